// exolab: lab 4
// user/lib/thread.cc: user-level threads over Resume upcalls (see thread.h).
//
// Every change to the thread table happens with upcalls masked: either in
// the resume handler (the kernel masked them) or between mask() and a
// switch or unmask() here.  A switch loads the next thread's context into
// the u-area and ends the masked section with upcall_finish, the same path
// an upcall ends by; the switching thread's own context is saved by
// thread_switch (thread.asm) so that it resumes by returning from it.
#include "lib/thread.h"

#include "abi/domain.h"
#include "lib/libos.h"
#include "lib/upcall.h"

extern "C" {
// Saves the callee-saved registers, rflags and the return address into
// `save`, as a context that resumes by returning from this call, then
// ends the masked section with upcall_finish(u).  thread.asm.
void thread_switch(UserContext* save, UArea* u);
}

namespace {

enum class State : uint64_t { Free = 0, Claimed, Ready, Running, Blocked, Done };

struct Thread {
    UserContext context;  // saved while not running
    State state;
    uint64_t next;        // the queue it waits in: next id + 1, 0 = last
    uint64_t joiner;      // id + 1 of the thread in thread_join for it
    uint64_t stack_pages; // pages of its slot's stack mapped so far
};

// All written with upcalls masked, so UPCALL_DATA (upcall.h).
UPCALL_DATA constinit Thread threads[kMaxThreads] = {};
UPCALL_DATA constinit uint64_t current = 0;
UPCALL_DATA constinit ThreadQueue ready = {};

void compiler_barrier() { asm volatile("" ::: "memory"); }

// Holds upcalls back: no Resume upcall can switch threads until unmask().
void mask() {
    uarea()->masked = 1;
    compiler_barrier();
}

// Lets upcalls in again; gives back a slice the kernel granted meanwhile.
void unmask() {
    compiler_barrier();
    UArea* u = uarea();
    u->masked = 0;
    compiler_barrier();
    if (u->pending) {
        u->pending = 0;
        (void)sys_yield(YIELD_ANY);
    }
}

// Makes the first context thread 0 and routes Resume upcalls here.
// Masked.
void start_threads();

void enqueue(ThreadQueue& q, uint64_t id) {
    threads[id].next = 0;
    if (q.tail != 0) {
        threads[q.tail - 1].next = id + 1;
    } else {
        q.head = id + 1;
    }
    q.tail = id + 1;
}

// Removes and returns the first id + 1 of q; 0 if q is empty.
uint64_t dequeue(ThreadQueue& q) {
    uint64_t first = q.head;
    if (first != 0) {
        q.head = threads[first - 1].next;
        if (q.head == 0) q.tail = 0;
    }
    return first;
}

// Makes thread `id` ready to run.  Masked.
void wake(uint64_t id) {
    threads[id].state = State::Ready;
    enqueue(ready, id);
}

// The resume handler: the running thread was interrupted (its context is
// u.context); if another is ready, it runs instead and this one waits in
// the ready queue.  Runs masked, in an upcall.
void on_resume(UArea& u) {
#if SOL >= 4
    uint64_t successor = dequeue(ready);
    if (successor == 0) return;
    threads[current].context = u.context;
    wake(current);
    Thread& runs = threads[successor - 1];
    runs.state = State::Running;
    u.context = runs.context;
    current = successor - 1;
#else
    // LAB 4: Exercise 10. Preemption between threads.  The domain was
    // given the CPU again after the timer ended its slice, and u.context
    // is the interrupted thread's context.  If another thread is ready,
    // it must run now instead (when this upcall ends, it resumes
    // u.context), and the interrupted one must be able to continue later
    // exactly where it was, in its turn (the ready queue is FIFO: wake,
    // dequeue).  Threat: everything here runs with upcalls masked, so it
    // touches only UPCALL_DATA and the u-area.
    (void)u;
#endif
}

// Runs the next ready thread, the caller having set its own state (Ready
// and queued, Blocked or Done).  Called masked; returns unmasked when the
// caller is resumed.  Panics if no thread is ready: every thread waits on
// another.
void run_next() {
    uint64_t next = dequeue(ready);
    if (next == 0) {
        for (const Thread& t : threads) {
            if (t.state != State::Free && t.state != State::Done) panic("thread: deadlock: every thread is blocked");
        }
        exit();  // the last thread exited
    }
    Thread& self = threads[current];
    current = next - 1;
    threads[current].state = State::Running;
    UArea* u = uarea();
    u->context = threads[current].context;
    thread_switch(&self.context, u);
}

// Blocks the caller in q (nullptr: in no queue, woken by hand) until woken.
// Called masked; returns unmasked.
void block(ThreadQueue* q) {
    threads[current].state = State::Blocked;
    if (q != nullptr) enqueue(*q, current);
    run_next();
}

// Where every thread starts: runs fn(arg), then exits.
[[noreturn]] void thread_start(ThreadFn fn, void* arg) {
    fn(arg);
    thread_exit();
}

void start_threads() {
    if (threads[0].state != State::Free) return;
    threads[0].state = State::Running;
    current = 0;
    set_resume_handler(on_resume);
}

// Maps the rest of slot `id`'s stack (the slot is Claimed by the caller, so
// no one else touches its stack_pages).  Returns 0 or -Error.
int64_t map_stack(uint64_t id) {
    uint64_t top = kThreadStacks + (id + 1) * kThreadSlotSize;
    while (threads[id].stack_pages < kThreadStackPages) {
        int64_t pfn = sys_frame_alloc(0);
        if (pfn < 0) return pfn;
        uint64_t va = top - (threads[id].stack_pages + 1) * PAGE_SIZE;
        if (int64_t r = sys_map(0, va, static_cast<uint64_t>(pfn), PERM_W); r < 0) {
            (void)sys_frame_free(static_cast<uint64_t>(pfn));
            return r;
        }
        threads[id].stack_pages++;
    }
    return 0;
}

// A write that changes nothing, so that a copy-on-write page holding `word`
// is copied now, while a fault is still allowed, not later with upcalls
// masked (which would kill the domain).  Mutex and Cond are aligned to
// their size, so one word's page is the whole object's.
void touch(uint64_t& word) { __atomic_fetch_or(&word, 0, __ATOMIC_RELAXED); }
static_assert(sizeof(Mutex) == alignof(Mutex) && sizeof(Cond) == alignof(Cond));

}  // namespace

int64_t thread_create(ThreadFn fn, void* arg) {
    mask();
    start_threads();
    uint64_t id = 1;
    while (id < kMaxThreads && threads[id].state != State::Free) id++;
    if (id < kMaxThreads) threads[id].state = State::Claimed;
    unmask();
    if (id == kMaxThreads) return -static_cast<int64_t>(Error::NoMemory);
    // Mapped unmasked: the system calls may take longer than a slice.
    if (int64_t r = map_stack(id); r < 0) {
        threads[id].state = State::Free;
        return r;
    }
    uint64_t top = kThreadStacks + (id + 1) * kThreadSlotSize;
    UserContext c = {};
    c.rdi = reinterpret_cast<uint64_t>(fn);
    c.rsi = reinterpret_cast<uint64_t>(arg);
    c.rsp = top - 8;  // as if called: rsp + 8 is 16-byte aligned at entry
    c.rip = reinterpret_cast<uint64_t>(thread_start);
    c.rflags = 0x202;  // IF (the reserved bit 1 set)
    mask();
    threads[id].context = c;
    threads[id].joiner = 0;
    wake(id);
    unmask();
    return static_cast<int64_t>(id);
}

uint64_t thread_self() { return current; }

void thread_yield() {
    mask();
    if (ready.head == 0) {
        unmask();
        return;
    }
    wake(current);
    run_next();
}

void thread_exit() {
    mask();
    start_threads();
    threads[current].state = State::Done;
    if (threads[current].joiner != 0) wake(threads[current].joiner - 1);
    run_next();
    __builtin_unreachable();  // a Done thread is never resumed
}

int64_t thread_join(uint64_t id) {
    mask();
    bool joinable = id < kMaxThreads && id != current && threads[id].state != State::Free &&
                    threads[id].state != State::Claimed && threads[id].joiner == 0;
    if (!joinable) {
        unmask();
        return -static_cast<int64_t>(Error::InvalidArgument);
    }
    if (threads[id].state != State::Done) {
        threads[id].joiner = current + 1;
        block(nullptr);  // thread_exit wakes us
        mask();
    }
    threads[id].state = State::Free;  // its stack stays mapped for the slot's next thread
    unmask();
    return 0;
}

void mutex_lock(Mutex& m) {
#if SOL >= 4
    touch(m.owner);
    mask();
    start_threads();
    if (m.owner == current + 1) panic("mutex_lock: thread %lu already holds the lock", current);
    if (m.owner == 0) {
        m.owner = current + 1;
        unmask();
        return;
    }
    block(&m.waiters);  // mutex_unlock hands us the lock
#else
    // LAB 4: Exercise 11 (part 1). Take the lock, waiting in m.waiters
    // while another thread holds it (block; mutex_unlock hands the lock to
    // the first waiter).  A thread that already holds it is a bug: panic.
    // Threats: the timer can preempt between any two instructions, so
    // test-and-take must happen with upcalls masked (mask/unmask), and
    // nothing masked may fault: touch() the lock's page first (it may be
    // copy-on-write).  start_threads() before the first switch.
    (void)m;
    panic("mutex_lock: LAB 4 Exercise 11 is not done");
#endif
}

void mutex_unlock(Mutex& m) {
#if SOL >= 4
    touch(m.owner);
    mask();
    if (m.owner != current + 1) panic("mutex_unlock: thread %lu does not hold the lock", current);
    uint64_t heir = dequeue(m.waiters);
    m.owner = heir;
    if (heir != 0) wake(heir - 1);
    unmask();
#else
    // LAB 4: Exercise 11 (part 2). Release the lock, handing it straight
    // to the first waiter, if any (which becomes ready).  Unlocking a lock
    // the caller does not hold is a bug: panic.  The same threats as
    // mutex_lock.
    (void)m;
    panic("mutex_unlock: LAB 4 Exercise 11 is not done");
#endif
}

void cond_wait(Cond& c, Mutex& m) {
#if SOL >= 4
    touch(c.waiters.head);
    touch(m.owner);  // and a fork since then? see thread.h: fork only with one thread
    mask();
    if (m.owner != current + 1) panic("cond_wait: thread %lu does not hold the lock", current);
    uint64_t next = dequeue(m.waiters);
    m.owner = next;
    if (next != 0) wake(next - 1);
    block(&c.waiters);
    mutex_lock(m);
#else
    // LAB 4: Exercise 11 (part 3). Condition variables.  cond_wait: the
    // caller, which must hold `m` (else panic), releases it and waits in
    // c.waiters as one step: a cond_signal between the two must not be
    // lost; once woken it holds `m` again before it returns.  The same
    // threats as the mutex (masked, touch()).
    (void)c, (void)m;
    panic("cond_wait: LAB 4 Exercise 11 is not done");
#endif
}

void cond_signal(Cond& c) {
#if SOL >= 4
    touch(c.waiters.head);
    mask();
    if (uint64_t next = dequeue(c.waiters); next != 0) wake(next - 1);
    unmask();
#else
    // LAB 4: Exercise 11 (part 3). Wake the first thread waiting in
    // c.waiters, if any (it then competes for its mutex in cond_wait).
    (void)c;
    panic("cond_signal: LAB 4 Exercise 11 is not done");
#endif
}

void cond_broadcast(Cond& c) {
#if SOL >= 4
    touch(c.waiters.head);
    mask();
    while (uint64_t next = dequeue(c.waiters)) wake(next - 1);
    unmask();
#else
    // LAB 4: Exercise 11 (part 3). Wake every thread waiting in c.waiters.
    (void)c, (void)touch;
    panic("cond_broadcast: LAB 4 Exercise 11 is not done");
#endif
}
