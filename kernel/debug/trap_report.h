// exolab: lab 2
// kernel/debug/trap_report.h: what a trap looks like on the console, and
// the kernel's own exception handlers (registered with trap::init).
//
//   kernel fault: page fault (vector 14) at rip <hex> <name+0xoff>, error 0x2
//   (write, not present, kernel), address <hex>
//     rax 0000000000000000  rbx ...            (a register dump)
#pragma once

#include <cstdint>

#include "arch/x86_64/trap.h"

namespace trap_report {

// Prints the one-line report of `frame`, a trap in `context` (e.g. "kernel
// fault"), then a register dump.
void print_report(const char* context, const TrapFrame& frame, uint64_t fault_address);

// Only the first line of print_report (a user rip is not symbolised: the
// kernel knows only its own symbols).
void print_trap_line(const char* context, const TrapFrame& frame, uint64_t fault_address);

// The kernel-mode exception handler: an INT3 is reported and resumed (a
// debugging aid); anything else is a kernel bug, reported in full with a
// backtrace from the faulting frame before QEMU stops with the failure code.
void kernel_exception(TrapFrame& frame, uint64_t fault_address);

// The user-mode exception handler while no domain can own the fault (lab 2,
// and lab 3's user_entry self-test, which enters user mode without one):
// user mode was entered by mistake, a kernel bug.  Reports "user fault: ..."
// in full and panics.
[[noreturn]] void user_exception_without_domain(TrapFrame& frame, uint64_t fault_address);

}  // namespace trap_report
