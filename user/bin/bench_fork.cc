// exolab: lab 4
// user/bin/bench_fork.cc: the cost of fork + exit + wait, for `make bench`
// (DESIGN §8).
//
// Each round forks a child (copy-on-write, lib/fork.h) that exits at once,
// and waits for it.  Linux's figure is fork + _exit + waitpid of a small
// static program.
#include "lib/fork.h"
#include "lib/libos.h"
#include "lib/x86.h"

namespace {

constexpr uint64_t kWarmup = 2;
constexpr uint64_t kRounds = 50;

// One fork, exit and wait.
void round_trip() {
    int64_t kid = fork();
    if (kid < 0) panic("fork: %s", result_name(kid));
    if (kid == 0) exit();
    if (int64_t r = wait(static_cast<uint64_t>(kid)); r < 0) panic("wait: %s", result_name(r));
}

}  // namespace

int main() {
    for (uint64_t i = 0; i < kWarmup; i++) round_trip();
    uint64_t start = rdtsc_ordered();
    for (uint64_t i = 0; i < kRounds; i++) round_trip();
    uint64_t ticks = rdtsc_ordered() - start;
    printf("BENCH fork_exit_wait %lu\n", ticks / kRounds);
    return 0;
}
