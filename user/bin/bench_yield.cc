// exolab: lab 4
// user/bin/bench_yield.cc: the cost of a yield round trip between two
// domains, for `make bench` (DESIGN §8).
//
// init and a forked child share one counter page (PERM_SHARE).  Each round
// init makes the counter odd and yields to the child, which makes it even
// and yields back; init checks the counter each round, so every round is
// proved to have run the child once.  Each yield enters its target with a
// Resume upcall.  Linux's figure is two processes calling sched_yield.
// From lab 5 a second row, yield_round_trip_ports, measures the same with
// init holding the disk's ports and the child none, so that every switch
// opens or closes them in the TSS I/O bitmap (domain/ioports.cc).
#include "lib/fork.h"
#include "lib/libos.h"
#include "lib/x86.h"

namespace {

constexpr uint64_t kWarmup = 16;
constexpr uint64_t kRounds = 1000;
constexpr uint64_t kCounterPage = 0x10000000;

volatile uint64_t& counter() { return *reinterpret_cast<volatile uint64_t*>(kCounterPage); }

// The child: answers every odd counter with the next even one.
[[noreturn]] void child(uint64_t parent) {
    for (;;) {
        if (counter() % 2 == 1) counter() = counter() + 1;
        (void)sys_yield(parent);
    }
}

// One round: the counter goes from even to odd (here) to even (the child).
void round_trip(uint64_t kid) {
    uint64_t before = counter();
    counter() = before + 1;
    if (int64_t r = sys_yield(kid); r < 0) panic("yield: %s", result_name(r));
    if (counter() != before + 2) panic("the child did not run: counter %lu after %lu", counter(), before);
}

// Prints "BENCH <name> <ticks>": the mean of kRounds round trips, after
// kWarmup.
void measure(const char* name, uint64_t kid) {
    for (uint64_t i = 0; i < kWarmup; i++) round_trip(kid);
    uint64_t start = rdtsc_ordered();
    for (uint64_t i = 0; i < kRounds; i++) round_trip(kid);
    uint64_t ticks = rdtsc_ordered() - start;
    printf("BENCH %s %lu\n", name, ticks / kRounds);
}

}  // namespace

int main() {
    int64_t pfn = sys_frame_alloc(0);
    if (pfn < 0 || sys_map(0, kCounterPage, static_cast<uint64_t>(pfn), PERM_W | PERM_SHARE) < 0) panic("no page");
    uint64_t self = static_cast<uint64_t>(sys_self());
    int64_t kid = fork();
    if (kid < 0) panic("fork: %s", result_name(kid));
    if (kid == 0) child(self);
    measure("yield_round_trip", static_cast<uint64_t>(kid));
#if LAB >= 5
    if (int64_t r1 = sys_io_grant(0, 0x1F0, 8), r2 = sys_io_grant(0, 0x3F6, 1); r1 < 0 || r2 < 0) {
        panic("io_grant: %s, %s", result_name(r1), result_name(r2));
    }
    measure("yield_round_trip_ports", static_cast<uint64_t>(kid));
#endif
    (void)sys_domain_destroy(static_cast<uint64_t>(kid));
    return 0;
}
