// kernel/selftest/backtrace_test.cc: "run=backtrace" recurses a few levels
// and prints a backtrace at the bottom, like JOS's test_backtrace.
#include "lib/kprintf.h"
#include "debug/backtrace.h"
#include "selftest/selftest.h"

namespace selftest {

// A struct of more than 16 bytes is passed on the stack (the SysV "MEMORY"
// class), so its first words are exactly the "args" a backtrace shows.
struct Probe {
    long depth;
    long tag;
    long unused;
};

// Recursion that neither inlining nor tail calls may flatten: the
// "leaving" line runs after the recursive call returns.
extern "C" __attribute__((noinline)) void test_backtrace(Probe p) {
    kprintf("entering test_backtrace %ld\n", p.depth);
    if (p.depth > 0) {
        test_backtrace(Probe{p.depth - 1, p.tag, 0});
    } else {
        backtrace();
    }
    kprintf("leaving test_backtrace %ld\n", p.depth);
}

void backtrace_from_depth(long depth) { test_backtrace(Probe{depth, 0xb7ace, 0}); }

}  // namespace selftest
