// exolab: lab 3
// user/bin/bench_syscall.cc: the cost of a null system call, for `make bench`.
//
// Times sys_self.  Under QEMU -icount shift=0 the time-stamp counter
// follows guest instructions, so the figure repeats from run to run.
#include "lib/libos.h"
#include "lib/x86.h"

namespace {

constexpr uint64_t kWarmup = 100;
constexpr uint64_t kCalls = 10000;

}  // namespace

int main() {
    for (uint64_t i = 0; i < kWarmup; i++) (void)sys_self();
    uint64_t start = rdtsc_ordered();
    for (uint64_t i = 0; i < kCalls; i++) (void)sys_self();
    uint64_t ticks = rdtsc_ordered() - start;
    printf("BENCH null_syscall %lu\n", ticks / kCalls);
    return 0;
}
