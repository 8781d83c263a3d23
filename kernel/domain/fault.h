// exolab: lab 3
// kernel/domain/fault.h: exceptions raised by a domain.
#pragma once

#include <cstdint>

#include "arch/x86_64/trap.h"

namespace domain {

// The user-mode exception handler (trap::ExceptionHandler) once domains
// exist.  Lab 3: the running domain is destroyed, with one line naming it,
// the fault, where and (for a page fault) what access; then another domain
// runs.  With no running domain (user mode entered without one, as the
// user_entry self-test does) it is a kernel bug: reported in full, then a
// panic.  Never returns to the faulting context.
[[noreturn]] void user_fault(TrapFrame& frame, uint64_t fault_address);

}  // namespace domain
