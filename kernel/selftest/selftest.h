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

// Lab 1's parsers on made-up input, one line per case (boot_cases.cc):
// symbols::lookup_in, symbols::demangle, multiboot::summarize_memory,
// cmdline::get.
void symbol_cases();
void demangle_cases();
void memory_summary_cases();
void cmdline_cases();

// Recurses `depth` levels and prints a backtrace at the bottom (lab 1).
void backtrace_from_depth(long depth);

// Prints "badframes <case>:" and backtrace_from() of a corrupt frame chain,
// for each case: "loop" (a frame whose saved rbp is itself), "misaligned"
// (a frame whose saved rbp is not 8-aligned), "low" (an rbp below the
// kernel half); then "badframes end".
void corrupt_chains();

}  // namespace selftest
