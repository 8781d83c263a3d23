// exolab: lab 3
// kernel/arch/x86_64/syscall_msrs.h: the MSRs that make SYSCALL enter the kernel.
//
//   EFER.SCE  SYSCALL and SYSRET exist only while it is set (else #UD)
//   STAR      the selectors SYSCALL loads and SYSRET derives (gdt.h)
//   LSTAR     where SYSCALL jumps in 64-bit mode: syscall_entry (syscall.asm)
//   SFMASK    the RFLAGS bits SYSCALL clears on the way in
#pragma once

namespace syscall_msrs {

// Programs the MSRs above and the kernel stack syscall_entry switches to,
// so that a SYSCALL from user mode reaches syscall_dispatch (sys/) with the
// kernel's selectors, on the kernel stack, with no flag set that the
// kernel must not run with.  Call once, before the first user program.
void init();

}  // namespace syscall_msrs
