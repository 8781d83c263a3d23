// exolab: lab 4
// kernel/domain/slice.cc: the end of slices, upcall delivery and the
// root scheduler's events (see slice.h).
#include "domain/slice.h"

#include "abi/layout.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/mmu.h"
#include "arch/x86_64/pit.h"
#include "arch/x86_64/qemu.h"
#include "lib/kprintf.h"
#include "lib/panic.h"
#include "mm/kspace.h"

namespace domain {
namespace {

constexpr unsigned kTimerIrq = 0;

constinit uint64_t tick_count = 0;
constinit bool tracing = false;
constinit uint64_t slice_start = 0;     // tsc when the running domain (or the idle loop) got the CPU

constexpr const char* kSliceEndNames[] = {"timer", "abort", "yield", "block", "stop", "exit", "kill"};

// Prints the trace line of the slice that ends now.
void trace(uint16_t owner, const char* why) {
    if (!tracing) return;
    uint64_t now = cpu::rdtsc();
    kprintf("slice %u %lu %lu %s\n", owner, slice_start, now, why);
    slice_start = now;
}

// A user address that the CPU can return to: below USER_TOP, so canonical.
bool user_address(uint64_t va) { return va < kUserTop; }

// The first Runnable domain after `about` in table order, wrapping around;
// nullptr if there is none.  The CPU's fallback when init installed no
// root scheduler.
Domain* next_runnable_after(uint64_t about) {
    for (uint64_t i = 1; i <= MAX_DOMAINS; i++) {
        Domain* d = find((about + i) % MAX_DOMAINS);
        if (d != nullptr && info(*d).state == DomainState::Runnable) return d;
    }
    return nullptr;
}

// What a timer tick does to the running domain's slice.
enum class AtTick {
    KeepsCpu,   // the slice goes on: no switch, no accounting
    Ends,       // an ordinary preemption
    Aborted,    // a preemption by force (abort protocol)
};

// The abort protocol (DESIGN §3.3): what a timer tick does to `d`, the
// domain that holds the CPU when it arrives.
AtTick at_tick(Domain& d) {
#if SOL >= 4
    if (d.upcall_entry == 0 || !d.uarea->masked) {
        d.overran = false;
        return AtTick::Ends;
    }
    if (!d.overran) {
        d.overran = true;
        d.uarea->pending = 1;
        return AtTick::KeepsCpu;
    }
    if (info(d).aborted++ == 0) {
        kprintf("domain %u (%s) preempted: upcalls still masked a slice after its slice ended\n", d.id, d.name);
    }
    return AtTick::Aborted;
#else
    // LAB 4: Exercise 3. The abort protocol.  Decide the fate of `d`'s
    // slice at this tick.  A domain in the middle of an upcall handler
    // (upcalls masked) is owed the chance to finish it, and must learn
    // from its u-area that the time it is using is borrowed; one that is
    // still masked when that grace is over loses the CPU by force, and is
    // counted in its table entry's `aborted`; the first time only, the
    // console gets
    //   domain <id> (<name>) preempted: upcalls still masked a slice after its slice ended
    // `d.overran` is yours to keep state in between ticks (give_cpu clears
    // it whenever `d` starts a new slice).
    // Threats: a domain that masks and spins must lose the CPU after at
    // most two slices in a row, every time it gets it, and must not flood
    // the console; a domain that unmasks in time starts afresh at its next
    // masked tick; and `masked` is a word of a page the domain writes as it
    // likes: it means nothing for a domain without an upcall entry.
    (void)d;
    return AtTick::Ends;
#endif
}

// The timer's IRQ handler: ends the slice of whoever has the CPU, unless
// the abort protocol lets it keep it.
void timer_tick(TrapFrame& frame) {
    tick_count++;
    if (!trap::from_user(frame)) {  // the idle loop
        trace(0, "idle");
        notify_root(UpcallReason::Timer, 0);
    }
    Domain& d = *current();
    DomainInfo& i = info(d);
    i.ticks++;
    AtTick outcome = at_tick(d);
    if (outcome == AtTick::KeepsCpu) return;
    i.preempted++;
    end_slice(frame, DomainState::Runnable, outcome == AtTick::Aborted ? SliceEnd::Abort : SliceEnd::Timer);
    notify_root(UpcallReason::Timer, d.id);
}

}  // namespace

bool deliver_upcall(Domain& d, const TrapFrame& interrupted, UpcallReason reason, uint64_t about) {
#if SOL >= 4
    if (d.upcall_entry == 0 || reason == UpcallReason::None) return false;
    UArea& u = *d.uarea;
    if (reason == UpcallReason::Resume && u.resume_direct) return false;
    if (u.masked) {
        u.pending = 1;
        return false;
    }
    // Through volatile references, so that each register is read and then
    // written at once, in order: copied as one aggregate, or field by field
    // without them, the compiler reads all 18 first and spills half of them
    // (DESIGN §8, the fault upcall).
    const volatile TrapFrame& f = interrupted;  // read before d.context (maybe the same) is cleared
    volatile UserContext& c = u.context;
    c.rax = f.rax; c.rbx = f.rbx; c.rcx = f.rcx; c.rdx = f.rdx; c.rsi = f.rsi; c.rdi = f.rdi;
    c.rbp = f.rbp; c.rsp = f.rsp; c.r8 = f.r8; c.r9 = f.r9; c.r10 = f.r10; c.r11 = f.r11;
    c.r12 = f.r12; c.r13 = f.r13; c.r14 = f.r14; c.r15 = f.r15; c.rip = f.rip; c.rflags = f.rflags;
    u.reason = reason;
    u.arg = about;
    u.pending = 0;
    u.masked = 1;
    // The entry context, every register of it written here: none of the
    // interrupted context survives (field by field: TrapFrame{} costs a
    // 22-step rep stos; vector and error_code are never restored).
    TrapFrame& e = d.context;
    e.rax = e.rbx = e.rcx = e.rdx = e.rsi = e.rbp = 0;
    e.r8 = e.r9 = e.r10 = e.r11 = e.r12 = e.r13 = e.r14 = e.r15 = 0;
    e.rdi = UAREA;
    e.rip = d.upcall_entry;
    e.cs = gdt::kUserCode;
    e.rflags = cpu::kRflagsInterrupt | cpu::kRflagsReserved;
    e.rsp = d.upcall_stack;
    e.ss = gdt::kUserData;
    return true;
#else
    // LAB 4: Exercise 1. Upcall delivery (DESIGN §3.3, slice.h): the whole
    // decision of how `d` takes the CPU for `reason`, made before `d` runs.
    // Either `d` resumes d.context untouched (return false), or d.context
    // is replaced so that `d` enters its libOS's upcall entry for this
    // reason (return true), with everything that libOS needs to carry on
    // later exactly where `d` was, `interrupted` (its u-area: the context,
    // reason, arg).  `interrupted` may be d.context itself.
    // Upcalls go only to a domain that installed an entry, and a Resume
    // only to one that wants to hear it (its u-area's resume_direct).  A
    // domain inside an upcall already (masked) is not re-entered: it
    // resumes and learns from `pending` that something arrived.
    // Threats: the entry context is built from nothing but what
    // domain_set_upcall validated: no register, flag or selector of the
    // interrupted context (which the domain chose) may leak into it, and
    // it must let the next timer tick in; a second delivery while masked
    // would overwrite the one saved context the handler must return to.
    (void)d, (void)interrupted, (void)reason, (void)about;
    return false;
#endif
}

uint32_t start_clock(uint32_t hz, bool trace_slices) {
    tracing = trace_slices;
    slice_start = cpu::rdtsc();
    trap::set_irq_handler(kTimerIrq, timer_tick);
    return pit::start(hz);
}

uint64_t ticks() { return tick_count; }

Domain* root() {
    Domain* found = nullptr;
    for_each([&](Domain& d) {
        if (info(d).parent == 0) found = &d;
    });
    return found;
}

void end_slice(const TrapFrame& frame, DomainState state, SliceEnd why) {
    trace(current()->id, kSliceEndNames[static_cast<int>(why)]);
    save_running(frame, state);
}

void end_slice_in_call(const TrapFrame& caller, DomainState state, SliceEnd why) {
    Domain& d = *current();
    end_slice(caller, state, why);
    d.context.rax = 0;  // the call returns 0 (one copy of the frame, not two)
}

void give_cpu(Domain& d, UpcallReason reason, uint64_t about) {
    DomainInfo& i = info(d);
    kassert(i.state == DomainState::Runnable || i.state == DomainState::Running ||
            (i.state == DomainState::Blocked && &d == root()));
    if (current() != &d) {  // a new slice (a Fault upcall keeps the running one)
        i.last_run = tick_count;
        d.overran = false;
    }
    (void)deliver_upcall(d, d.context, reason, about);
    // An IRETQ to a non-canonical rip faults in ring 0.  Every context
    // comes from the CPU (a user rip: a jump out of user space faults at
    // the jump or at the target's user-mode fetch), from domain_set_context
    // or from domain_set_upcall, which refuse a rip at or above USER_TOP.
    // rsp needs no check: the domain may set any rsp, and IRETQ loads it
    // as it is; a bad one faults in user mode at the first push.
    kassert(user_address(d.context.rip));
    run(d);
}

void notify_root(UpcallReason reason, uint64_t about) {
    Domain* r = root();
    if (r == nullptr) {
        kprintf("all domains exited\n");
        qemu_exit(ExitCode::Success);
    }
    if (r->upcall_entry != 0) give_cpu(*r, reason, about);
    if (Domain* next = next_runnable_after(about); next != nullptr) give_cpu(*next, UpcallReason::None, 0);
    kprintf("no domain can run: all are stopped or blocked, and init has no root scheduler\n");
    qemu_exit(ExitCode::Failure);
}

void idle() {
    mmu::activate(kspace::root().value);
    for (;;) cpu::wait_for_interrupt();
}

}  // namespace domain
