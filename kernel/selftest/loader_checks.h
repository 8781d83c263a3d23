// exolab: lab 3
// kernel/selftest/loader_checks.h: lab 3's self-check of loader::load on
// an ELF image made in the kernel (graded by grade/test_lab3_syscalls.py),
// with no program loaded: run=loadcheck.
#pragma once

namespace selftest {

void load_check();  // prints "check loadcheck: ok" or why not

}  // namespace selftest
