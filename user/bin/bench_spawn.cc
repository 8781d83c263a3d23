// exolab: lab 5
// user/bin/bench_spawn.cc: the cost of spawn + exit + wait of a small
// program from the disk, for `make bench` (DESIGN §8).
//
// Booted as init with the bench disk (every program in /bin), it mounts
// and spawns /bin/bench_spawn with the argument "-exit" (which ends at
// once) and waits for it, round after round.  The program's blocks are in
// the shared cache after the warm-up rounds, as they would be for a shell
// running a command twice.  Linux's figure is posix_spawn + _exit +
// waitpid of a small static program.
#include "lib/fork.h"
#include "lib/fs/disk.h"
#include "lib/fs/fs.h"
#include "lib/libos.h"
#include "lib/spawn.h"
#include "lib/x86.h"

namespace {

constexpr uint64_t kWarmup = 2;
constexpr uint64_t kRounds = 20;

// One spawn, exit and wait.
void round_trip() {
    const char* argv[] = {"bench_spawn", "-exit", nullptr};
    Result<uint64_t> kid = spawn("/bin/bench_spawn", argv);
    if (!kid) panic("spawn: %s", error_name(kid.error()));
    if (int64_t r = wait(kid.value()); r < 0) panic("wait: %s", result_name(r));
}

}  // namespace

int main(int argc, char**) {
    if (argc > 1) return 0;  // "-exit": the spawned program
    if (Result<void> r = disk::claim_ports(); !r) panic("claim_ports: %s", error_name(r.error()));
    if (Result<void> r = exofs::mount(); !r) panic("mount (is the bench disk attached?): %s", error_name(r.error()));
    for (uint64_t i = 0; i < kWarmup; i++) round_trip();
    uint64_t start = rdtsc_ordered();
    for (uint64_t i = 0; i < kRounds; i++) round_trip();
    uint64_t ticks = rdtsc_ordered() - start;
    printf("BENCH spawn_exit_wait %lu\n", ticks / kRounds);
    return 0;
}
