// exolab: lab 3
// kernel/selftest/protection_tests.h: SMEP and SMAP at work (lab 3; graded
// by grade/test_lab3_syscalls.py).  Each maps a user page into the kernel's
// address space and then makes the mistake the protection exists to catch;
// the kernel-fault report must follow, and QEMU stops with the failure code.
#pragma once

namespace selftest {

void kernel_reads_user_page();  // a load through a user address: SMAP's #PF
void kernel_runs_user_page();   // a call into a user page: SMEP's #PF (instruction fetch)

}  // namespace selftest
