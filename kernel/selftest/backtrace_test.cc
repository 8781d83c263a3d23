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

void corrupt_chains() {
    auto rip = reinterpret_cast<uint64_t>(&corrupt_chains) + 1;  // outer frames look up rip - 1
    uint64_t loop[4] = {0, rip, 0x1, 0x2};
    loop[0] = reinterpret_cast<uint64_t>(loop);  // a frame that is its own caller
    kprintf("badframes loop:\n");
    backtrace_from(reinterpret_cast<uint64_t>(loop), rip);
    uint64_t misaligned[4] = {reinterpret_cast<uint64_t>(loop) + 4, rip, 0x3, 0x4};
    kprintf("badframes misaligned:\n");
    backtrace_from(reinterpret_cast<uint64_t>(misaligned), rip);
    kprintf("badframes low:\n");  // mapped in lab 1 (identity), but not kernel memory
    backtrace_from(0x100000, rip);
    kprintf("badframes wild:\n");  // not canonical: reading it faults (#GP)
    backtrace_from(0x8000000000000000ul, rip);
    kprintf("badframes end\n");
}

}  // namespace selftest
