// exolab: lab 4
// user/lib/upcall.h: the libOS side of upcalls (DESIGN §3.3).
//
// Every domain's libOS installs one upcall entry (upcall.asm) before main
// runs, with its own upcall stack.  An upcall is dispatched by reason:
//
//   Fault                 the handler set for that vector (set_fault_handler)
//   Resume                the resume handler (user threads), else straight back
//   Timer/Blocked/Exited  the root scheduler (scheduler.h), in init only
//
// and ends in upcall_return, which resumes the u-area's context and clears
// `masked` with no system call.
#pragma once

#include <cstdint>

#include "abi/layout.h"
#include "abi/uarea.h"

class MapBatch;  // lib/mapbatch.h

// Where each domain's upcall stack lies: kUpcallStackPages pages below
// kUpcallStackTop, with an unmapped guard page under them.  Below the main
// stack's guard and far from it.
inline constexpr uint64_t kUpcallStackTop = 0x00007EFFFF000000;
inline constexpr uint64_t kUpcallStackPages = 4;

// Marks a global that the libOS writes while upcalls are masked (in an
// upcall handler): it goes to the .upcall_data pages (user/user.ld.S), which
// fork copies for the child at once instead of copy-on-write, because a
// copy-on-write fault with upcalls masked would kill the domain.
#define UPCALL_DATA __attribute__((section(".upcall_data")))

// Where .upcall_data begins and ends (page-aligned; equal when empty).
extern "C" char __upcall_data_start[], __upcall_data_end[];

// This domain's u-area.
inline UArea* uarea() { return reinterpret_cast<UArea*>(UAREA); }

// Handles one exception delivered as a Fault upcall.  `u.context` is the
// faulting context; the fault is in u.fault_vector, fault_error and
// fault_address.  Returning resumes u.context (which the handler may
// change, e.g. to skip an instruction).  Runs with upcalls masked, on the
// upcall stack: another fault here kills the domain.
using FaultHandler = void (*)(UArea& u);

// Makes exceptions of `vector` (0..31) arrive at `handler`; nullptr gives
// them back to the kernel (the domain is killed, as in lab 3).  Returns
// InvalidArgument (negated) for a bad vector, else 0.
int64_t set_fault_handler(uint64_t vector, FaultHandler handler);

// Called on a Resume upcall (the domain was given the CPU again), and in
// init whenever its root scheduler picks init itself, instead of resuming
// u.context at once: the thread library's scheduler (thread.h), which may
// replace u.context with another thread's.  nullptr: none.
// With no handler the u-area says resume_direct, and the kernel resumes
// this domain after a yield without any upcall.
using ResumeHandler = void (*)(UArea& u);
void set_resume_handler(ResumeHandler handler);

// Called by a forked child when it first runs: its u-area is fresh, so it
// says resume_direct again if the parent had no resume handler.
void upcalls_child_started();

// Maps this domain's upcall stack and installs upcall_entry.  crt0's
// libos_main calls it before main.  Errors (negated): NoMemory.
int64_t upcalls_init();

// Queues a fresh upcall stack for child `dom` into `child`, the batch of
// its mappings (frames the caller allocates and gives up once mapped, so
// they are freed when the child exits; mapped when the caller flushes the
// batch, before the child runs), and installs the same entry there: a
// forked child must not share or copy-on-write its parent's upcall stack
// (it would fault while masked).
int64_t upcalls_init_child(uint64_t dom, MapBatch& child);

extern "C" {
// The kernel's way in (upcall.asm).
void upcall_entry();
// Resumes u's context and unmasks upcalls, without a system call.
[[noreturn]] void upcall_return(UArea* u);
// Called by upcall_entry: dispatches one upcall, then upcall_finish.
[[noreturn]] void libos_upcall(UArea* u);
// Ends a masked section (an upcall, or the thread library's voluntary
// switch) by resuming u's context.  If the kernel granted an extra slice
// meanwhile (`pending`: the slice ended with upcalls masked), the slice is
// given back first with yield(ANY), as the abort protocol asks (DESIGN §3.3).
[[noreturn]] void upcall_finish(UArea* u);
}
