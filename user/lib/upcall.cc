// exolab: lab 4
// user/lib/upcall.cc: dispatching upcalls (see upcall.h).
#include "lib/upcall.h"

#include "abi/domain.h"
#include "lib/libos.h"
#include "lib/mapbatch.h"
#include "lib/scheduler.h"

namespace {

constexpr uint64_t kVectors = 32;
constinit FaultHandler fault_handlers[kVectors] = {};
constinit ResumeHandler resume_handler = nullptr;

// Maps this domain's own upcall stack, fresh frames, with one map call
// each: a MapBatch (1.5 KiB) would deepen the stack of a program that
// has only just started, which costs more than the calls it saves.
int64_t map_own_upcall_stack() {
    for (uint64_t i = 1; i <= kUpcallStackPages; i++) {
        int64_t pfn = sys_frame_alloc(0);
        if (pfn < 0) return pfn;
        if (int64_t r = sys_map(0, kUpcallStackTop - i * PAGE_SIZE, static_cast<uint64_t>(pfn), PERM_W); r < 0) return r;
    }
    return 0;
}

// Queues a child's upcall stack, fresh frames, into `child` (the batch of
// the child's mappings), lowest first.  They are given up once mapped, so
// they are freed with the child's mappings when the child exits rather
// than staying the caller's until it exits.
int64_t queue_child_upcall_stack(MapBatch& child) {
    for (uint64_t i = kUpcallStackPages; i >= 1; i--) {
        int64_t pfn = sys_frame_alloc(0);
        if (pfn < 0) return pfn;
        if (int64_t r = child.add(kUpcallStackTop - i * PAGE_SIZE, static_cast<uint64_t>(pfn), PERM_W, true); r < 0) {
            return r;
        }
    }
    return 0;
}

}  // namespace

extern "C" void upcall_finish(UArea* u) {
#if SOL >= 4
    if (u->pending) {
        u->pending = 0;
        static_cast<void>(sys_yield(YIELD_ANY));
        u->pending = 0;
    }
#else
    // LAB 4: Exercise 3 (part 2). The libOS's half of the abort protocol
    // (upcall.h): a masked section that ran on borrowed time owes it back
    // before the domain goes on.  Threat: the kernel reports borrowed
    // time and held-back upcalls through the same word, and it may set it
    // again at any moment while this runs.
#endif
    upcall_return(u);
}

// upcall_return(UArea* u): resume u->context and clear u->masked, with no
// system call (DESIGN §3.3).
//
// Clearing `masked` re-opens the domain to upcalls: a timer tick right
// after it saves the registers as they are then, and the next Resume
// upcall writes them over u->context.  So nothing may be read from the
// u-area once masked is clear.
#if SOL >= 4
// The two values still needed then, rdi and rip, go first onto the
// interrupted stack, below its 128-byte red zone (which may hold live
// data); everything else is restored, masked is cleared, and those two
// come off the stack:
//
//       saved rsp  S -> +-----------------------+
//                       | red zone (128 bytes)  |  untouched
//          S - 136  ->  | rip                   |  `ret 128` pops it, then rsp = S
//          S - 144  ->  | rdi                   |  `pop rdi`
//
// Preempted anywhere after masked is clear, the saved context is just this
// code part-way through, with all it still needs on its own stack:
// resuming it later finishes the job.  There is no window.  Offsets: the
// UArea's masked 0 and context 40 (static_asserts in abi/uarea.h), then
// UserContext's order rax rbx rcx rdx rsi rdi rbp rsp r8..r15 rip rflags.
asm("    .intel_syntax noprefix\n"
    "    .text\n"
    "    .globl upcall_return\n"
    "    .type upcall_return, @function\n"
    "upcall_return:\n"
    "    mov rsi, [rdi + 40 + 56]\n"
    "    sub rsi, 128 + 16\n"
    "    mov rax, [rdi + 40 + 40]\n"
    "    mov [rsi], rax\n"
    "    mov rax, [rdi + 40 + 128]\n"
    "    mov [rsi + 8], rax\n"
    "    mov rsp, rsi\n"
    "    push qword ptr [rdi + 40 + 136]\n"
    "    popfq\n"
    "    mov rax, [rdi + 40 + 0]\n"
    "    mov rbx, [rdi + 40 + 8]\n"
    "    mov rcx, [rdi + 40 + 16]\n"
    "    mov rdx, [rdi + 40 + 24]\n"
    "    mov rsi, [rdi + 40 + 32]\n"
    "    mov rbp, [rdi + 40 + 48]\n"
    "    mov r8, [rdi + 40 + 64]\n"
    "    mov r9, [rdi + 40 + 72]\n"
    "    mov r10, [rdi + 40 + 80]\n"
    "    mov r11, [rdi + 40 + 88]\n"
    "    mov r12, [rdi + 40 + 96]\n"
    "    mov r13, [rdi + 40 + 104]\n"
    "    mov r14, [rdi + 40 + 112]\n"
    "    mov r15, [rdi + 40 + 120]\n"
    "    mov qword ptr [rdi + 0], 0\n"
    "    pop rdi\n"
    "    ret 128\n"
    "    .size upcall_return, . - upcall_return\n"
    "    .att_syntax prefix\n");
#else
// LAB 4: Exercise 2. Write upcall_return in assembly (a top-level asm()
// block here, as a function with the C ABI: u arrives in rdi): every
// general register, rflags, rsp and rip as u->context holds them, and
// u->masked = 0, all without a system call.  The threat is preemption:
// find the instructions after which the context you are restoring is no
// longer safe in the u-area, and make sure none of them needs it.  The
// interrupted code may keep live data in the 128 bytes below its rsp (the
// System V red zone).  DESIGN §3.3 says what must hold.
extern "C" void upcall_return(UArea* u) {
    (void)u;
    panic("upcall_return: LAB 4 Exercise 2 is not done");
}
#endif

int64_t set_fault_handler(uint64_t vector, FaultHandler handler) {
    if (vector >= kVectors) return -static_cast<int64_t>(Error::InvalidArgument);
    // Written only when it changes: after a fork the table's page is
    // copy-on-write, and fork sets its handler at every call.
    if (fault_handlers[vector] != handler) fault_handlers[vector] = handler;
    if (handler != nullptr) {
        uarea()->fault_vectors |= 1ull << vector;
    } else {
        uarea()->fault_vectors &= ~(1ull << vector);
    }
    return 0;
}

void set_resume_handler(ResumeHandler handler) {
    resume_handler = handler;
    uarea()->resume_direct = handler == nullptr;
}

void upcalls_child_started() { uarea()->resume_direct = resume_handler == nullptr; }

int64_t upcalls_init() {
    if (int64_t r = map_own_upcall_stack(); r < 0) return r;
    uarea()->resume_direct = 1;  // no resume handler yet
    return sys_domain_set_upcall(0, reinterpret_cast<uint64_t>(upcall_entry), kUpcallStackTop);
}

int64_t upcalls_init_child(uint64_t dom, MapBatch& child) {
    if (int64_t r = queue_child_upcall_stack(child); r < 0) return r;
    return sys_domain_set_upcall(dom, reinterpret_cast<uint64_t>(upcall_entry), kUpcallStackTop);
}

extern "C" void libos_upcall(UArea* u) {
#if SOL >= 4
    switch (u->reason) {
    case UpcallReason::Fault:
        if (u->fault_vector < kVectors && fault_handlers[u->fault_vector] != nullptr) {
            fault_handlers[u->fault_vector](*u);
        } else {  // a vector bit set in the u-area by hand, with no handler
            printf("libos: fault upcall for vector %lu with no handler\n", u->fault_vector);
            exit();
        }
        break;
    case UpcallReason::Resume:
        if (resume_handler != nullptr) resume_handler(*u);
        break;
    case UpcallReason::Timer:
    case UpcallReason::Blocked:
    case UpcallReason::Exited:
        root_schedule(*u);  // returns when init's own context should run
        // init is given the CPU back by its own scheduler, never by a
        // Resume upcall: its user threads switch here instead.
        if (resume_handler != nullptr) resume_handler(*u);
        break;
    case UpcallReason::None:
        break;
    }
#else
    // LAB 4: Exercise 2 (part 2). The libOS's dispatch (upcall.h's table):
    // every reason the kernel may give reaches the handler that this
    // domain installed for it, and every upcall ends by resuming whatever
    // the handlers left in u->context.  Threats: the u-area is the
    // domain's own writable page, so `reason` and `fault_vector` may hold
    // anything (a bit set in fault_vectors by hand, with no handler
    // behind it, must end the domain with a message, not jump through a
    // null pointer); in init, the root scheduler may choose init itself,
    // and its user threads must then get their say as a Resume would give
    // it.
    (void)fault_handlers, (void)resume_handler;
    panic("libos_upcall: LAB 4 Exercise 2 is not done");
#endif
    upcall_finish(u);
}
