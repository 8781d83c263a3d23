// exolab: lab 4
// kernel/domain/slice.h: who gets the CPU next, and how (DESIGN §3.3, §3.4).
//
// The kernel has no scheduling policy.  It has mechanisms: a periodic
// timer that ends the running domain's slice, upcalls that tell a domain
// why it has the CPU, and the root scheduler (init, the domain with no
// parent) to which every event that frees the CPU is reported:
//
//      timer tick ----.                       root scheduler (init's libOS)
//      yield(ANY) ----+--> notify_root ---->  upcall: Timer / Blocked / Exited
//      ipc_recv ------+    (reason, about)      reads the domain table
//      (then = 0)     |
//      exit, kill ----'                          yield(next) --> give_cpu(next, Resume)
//
// A domain gets the CPU through give_cpu: with an upcall entry and upcalls
// unmasked it enters at that entry (its interrupted context saved in its
// u-area); masked, or without an entry, it resumes where it stopped.
#pragma once

#include <cstdint>

#include "abi/uarea.h"
#include "domain/domain.h"

namespace domain {

// How a slice ended, for the accounting and the trace.
enum class SliceEnd : uint8_t { Timer, Abort, Yield, Block, Stop, Exit, Kill };

// Starts the clock at `hz` ticks a second (pit.h clamps it) and makes it
// end slices.  With `trace`, every slice is printed when it ends:
//
//   slice <domain> <start tsc> <end tsc> <timer|abort|yield|block|stop|exit|kill|idle>
//
// (domain 0 is the idle loop), the input of tools/timeline.  Call once,
// after domain::init.  Returns the rate set.
uint32_t start_clock(uint32_t hz, bool trace);

// The timer ticks since start_clock.
uint64_t ticks();

// The root scheduler: the domain with no parent, or nullptr once it is gone.
Domain* root();

// Ends the running domain's slice: its registers `frame` become its context
// and its state `state` (a Blocked domain stays Blocked), and the trace
// records `why`.  Nobody holds the CPU afterwards.
void end_slice(const TrapFrame& frame, DomainState state, SliceEnd why);

// end_slice for a system call that gives the CPU away: the caller's
// registers at the call (`caller`) become its context, with the call
// returning 0 when it runs again.
void end_slice_in_call(const TrapFrame& caller, DomainState state, SliceEnd why);

// Gives the CPU to `d` because of `reason` (about domain `about`):
//  - no upcall entry, or reason None, or a Resume to a domain whose u-area
//    says resume_direct: resume its saved context;
//  - upcalls masked: set its u-area's `pending`, resume its saved context;
//  - otherwise: save its context in its u-area, set reason, arg and masked,
//    and enter it at its upcall entry on its upcall stack, rdi = UAREA.
// `d` must be Runnable or Running (a Fault upcall keeps the running
// domain), or Blocked and the root scheduler.
[[noreturn]] void give_cpu(Domain& d, UpcallReason reason, uint64_t about);

// Prepares `d`, stopped with the registers `interrupted`, to take the CPU
// for `reason` (about domain `about`), as give_cpu describes: with no
// upcall entry, reason None, or a Resume to a domain whose u-area says
// resume_direct, nothing changes; masked, its `pending` is set; otherwise
// `d` will enter its upcall entry, and `interrupted` is saved in its
// u-area.  Returns true if it will enter its upcall entry, false if it
// resumes `d.context` as it is.  `interrupted` is `d.context` itself
// (give_cpu), or the trap frame of a fault that was never copied there
// (user_fault: one copy of the registers, not two).
bool deliver_upcall(Domain& d, const TrapFrame& interrupted, UpcallReason reason, uint64_t about);

// Reports `reason` about domain `about` to the root scheduler and gives it
// the CPU.  A root scheduler without an upcall entry (a lab 3 program as
// init) gets nothing; the next Runnable domain after `about` in table order
// runs instead.  With no domain left: "all domains exited", power off.
[[noreturn]] void notify_root(UpcallReason reason, uint64_t about);

// Nothing to run until the next interrupt: halt with interrupts enabled.
// The timer's tick then goes to the root scheduler (Timer, about 0).
[[noreturn]] void idle();

}  // namespace domain
