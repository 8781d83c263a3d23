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
#if SOL >= 4
    if (u->pending) {
        u->pending = 0;
        static_cast<void>(sys_yield(YIELD_ANY));  // the slice borrowed while masked
    }
#else
    // LAB 4: Exercise 3 (part 3). The end of a masked section here owes
    // what upcall_finish owes at the end of an upcall.
    (void)u;
#endif
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
    // LAB 4: Exercise 10 (part 1). Preemption between threads: the
    // domain has the CPU again after the timer took it away, and
    // u.context is where the running thread was interrupted.  The thread
    // library's policy is round-robin: if another thread is ready, it runs
    // now (this upcall ends by resuming u.context), and the interrupted one
    // carries on later, exactly where it was, after every thread that was
    // ready before it.  Threat: this runs masked, inside an upcall: it may
    // touch only UPCALL_DATA and the u-area, and must not fault.
    (void)u;
#endif
}

// Runs the next ready thread, the caller having set its own state (Ready
// and queued, Blocked or Done).  Called masked; returns unmasked when the
// caller is resumed.  Panics if no thread is ready: every thread waits on
// another.
void run_next() {
#if SOL >= 4
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
#else
    // LAB 4: Exercise 10 (part 2). The voluntary switch: the running
    // thread has said why it stops (its state, and the queue it is in, if
    // any); the next ready thread runs, and the caller returns from here
    // only when its turn comes again (thread_switch, thread.asm, saves
    // such a context and ends the masked section).  With no thread ready:
    // if every thread is Done the domain's work is over (exit), otherwise
    // every thread waits on another, a deadlock that must not hang the
    // machine in silence (panic).  Threat: the same as on_resume's; and
    // the caller's context must be saved where the next switch to it will
    // look.
    (void)thread_switch;
    panic("thread: LAB 4 Exercise 10 is not done");
#endif
}

// Blocks the caller in q (nullptr: in no queue, woken by hand) until woken.
// Called masked; returns unmasked.
void block(ThreadQueue* q) {
#if SOL >= 4
    threads[current].state = State::Blocked;
    if (q != nullptr) enqueue(*q, current);
    run_next();
#else
    // LAB 4: Exercise 10 (part 4). The comment above is the contract.
    (void)q, (void)enqueue, (void)run_next;
    panic("thread: LAB 4 Exercise 10 is not done");
#endif
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
#if SOL >= 4
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
    UserContext c = {};
    c.rdi = reinterpret_cast<uint64_t>(fn);
    c.rsi = reinterpret_cast<uint64_t>(arg);
    c.rsp = kThreadStacks + (id + 1) * kThreadSlotSize - 8;  // as if called: rsp + 8 is 16-byte aligned
    c.rip = reinterpret_cast<uint64_t>(thread_start);
    c.rflags = 0x202;  // IF (the reserved bit 1 set)
    mask();
    threads[id].context = c;
    threads[id].joiner = 0;
    wake(id);
    unmask();
    return static_cast<int64_t>(id);
#else
    // LAB 4: Exercise 12 (part 1). The contract is thread.h's.  A new
    // thread owns a free slot of the table and that slot's stack
    // (map_stack), and starts in thread_start(fn, arg) as if called there
    // (the System V ABI's state at a function's entry), with an rflags
    // the kernel would accept from a domain.  Threats: another thread (or
    // the Resume upcall) can run between any two instructions, so no two
    // threads may claim one slot, and a slot must not be seen half-made;
    // a system call may take longer than a slice, so none may be made
    // with upcalls masked; a failure leaves no slot taken.
    (void)fn, (void)arg, (void)map_stack, (void)thread_start;
    return -static_cast<int64_t>(Error::NotImplemented);
#endif
}

uint64_t thread_self() { return current; }

void thread_yield() {
#if SOL >= 4
    mask();
    if (ready.head == 0) {
        unmask();
        return;
    }
    wake(current);
    run_next();
#else
    // LAB 4: Exercise 10 (part 3). thread.h's thread_yield: the caller
    // goes to the back of the line.  It must not block, and must cost
    // nothing when no other thread is ready.
#endif
}

void thread_exit() {
#if SOL >= 4
    mask();
    start_threads();
    threads[current].state = State::Done;
    if (threads[current].joiner != 0) wake(threads[current].joiner - 1);
    run_next();
#else
    // LAB 4: Exercise 12 (part 2). thread.h's thread_exit, also the end
    // of every thread function and, in the domain's first context,
    // possibly the end of the whole domain.  Threat: a thread_join may be
    // waiting for the caller, and whoever frees the slot must not free a
    // stack the caller is still running on.
    panic("thread_exit: LAB 4 Exercise 12 is not done");
#endif
    __builtin_unreachable();  // a Done thread is never resumed
}

int64_t thread_join(uint64_t id) {
#if SOL >= 4
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
#else
    // LAB 4: Exercise 12 (part 3). thread.h's thread_join.  Threats: `id`
    // is any number; the thread may have exited long ago or not yet
    // started; only one thread may wait for it, and a thread waiting for
    // itself would wait for ever; a joined slot is free for the next
    // thread_create, and nothing of the old thread may be joined twice.
    (void)id, (void)block;
    return -static_cast<int64_t>(Error::NotImplemented);
#endif
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
    // LAB 4: Exercise 11 (part 1). thread.h's mutex_lock.  Threats: the
    // timer can end the slice between any two instructions, and the Resume
    // upcall then runs another thread, which may want the same lock; a
    // waiter must not spin through its slices; the lock may lie on a
    // copy-on-write page (after a fork), and a fault with upcalls masked
    // kills the domain.  The helpers above this file's exercises are
    // yours to use.
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
    // LAB 4: Exercise 11 (part 2). thread.h's mutex_unlock.  Threat, as
    // well as mutex_lock's: a waiter that is woken must not then lose the
    // lock to a thread that came later (no waiter may starve).
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
    // LAB 4: Exercise 11 (part 3). thread.h's condition variables.
    // Threat: the lost wake-up.  A cond_signal that another thread sends
    // after this caller let go of `m` must reach it, wherever the timer
    // (or a voluntary switch) lands in between; and the same threats as
    // the mutex's.
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
    // LAB 4: Exercise 11 (part 3). thread.h's cond_signal.
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
    // LAB 4: Exercise 11 (part 3). thread.h's cond_broadcast.
    (void)c, (void)touch, (void)mask, (void)unmask, (void)wake, (void)dequeue, (void)start_threads;
    panic("cond_broadcast: LAB 4 Exercise 11 is not done");
#endif
}
