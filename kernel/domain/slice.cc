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

// The interrupted registers as the libOS restores them.
UserContext user_context(const TrapFrame& f) {
    return UserContext{f.rax, f.rbx, f.rcx, f.rdx, f.rsi, f.rdi, f.rbp, f.rsp,
                       f.r8,  f.r9,  f.r10, f.r11, f.r12, f.r13, f.r14, f.r15, f.rip, f.rflags};
}

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

// The timer's IRQ handler: ends the slice of whoever has the CPU, or
// grants one more slice to a domain that is masked (the abort protocol).
void timer_tick(TrapFrame& frame) {
    tick_count++;
    if (!trap::from_user(frame)) {  // the idle loop
        trace(0, "idle");
        notify_root(UpcallReason::Timer, 0);
    }
    Domain& d = *current();
    DomainInfo& i = info(d);
    i.ticks++;
    SliceEnd why = SliceEnd::Timer;
    if (d.upcall_entry != 0 && d.uarea->masked) {
        if (!d.overran) {  // one more slice to finish the handler
            d.overran = true;
            d.uarea->pending = 1;
            return;
        }
        if (i.aborted++ == 0) {
            kprintf("domain %u (%s) preempted: upcalls still masked a slice after its slice ended\n", d.id, d.name);
        }
        why = SliceEnd::Abort;
    }
    i.preempted++;
    end_slice(frame, DomainState::Runnable, why);
    notify_root(UpcallReason::Timer, d.id);
}

}  // namespace

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

void give_cpu(Domain& d, UpcallReason reason, uint64_t about) {
    DomainInfo& i = info(d);
    kassert(i.state == DomainState::Runnable || i.state == DomainState::Running ||
            (i.state == DomainState::Blocked && &d == root()));
    if (current() != &d) {
        i.last_run = tick_count;
        d.overran = false;
    }
    if (d.upcall_entry != 0 && reason != UpcallReason::None) {
        UArea& u = *d.uarea;
        if (u.masked) {
            u.pending = 1;
        } else {
            u.context = user_context(d.context);
            u.reason = reason;
            u.arg = about;
            u.pending = 0;
            u.masked = 1;
            d.context = TrapFrame{};
            d.context.rip = d.upcall_entry;
            d.context.rsp = d.upcall_stack;
            d.context.rdi = UAREA;
            d.context.cs = gdt::kUserCode;
            d.context.ss = gdt::kUserData;
            d.context.rflags = cpu::kRflagsInterrupt | cpu::kRflagsReserved;
        }
    }
    // Every context comes from the CPU, from domain_set_context or from
    // domain_set_upcall, which refuse addresses at or above USER_TOP: an
    // IRETQ to a non-canonical rip would fault in ring 0.
    kassert(user_address(d.context.rip) && user_address(d.context.rsp));
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
