// kernel/selftest/selftest.h: kernel self-tests, chosen with "run=<name>" on
// the kernel command line and graded by grade/test_labN_*.py from the
// serial output.
#pragma once

#include "boot/multiboot2.h"

namespace selftest {

// Runs the self-test called `name`.  Returns false if there is none.
bool run(const char* name, const multiboot::BootInfo& boot);

// Prints each printf case as "printf <format> => [<result>]" (lab 1).
void printf_cases();

// Recurses `depth` levels and prints a backtrace at the bottom (lab 1).
void backtrace_from_depth(long depth);

}  // namespace selftest
