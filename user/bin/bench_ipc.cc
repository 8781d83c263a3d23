// exolab: lab 4
// user/bin/bench_ipc.cc: the cost of an IPC round trip, one word each way,
// for `make bench` (DESIGN §8).
//
// init sends a word to a forked child with lib/ipc.h's ipc_send and waits
// in ipc_recv; the child answers with the word + 1.  Each ipc_recv blocks,
// which the kernel reports to the root scheduler (init's upcall), which
// yields to the other domain: a round trip is two sends, two receives and
// two passes through the root scheduler.  Linux's figure is a one-byte
// ping-pong over two pipes.
#include "lib/fork.h"
#include "lib/ipc.h"
#include "lib/libos.h"
#include "lib/x86.h"

namespace {

constexpr uint64_t kWarmup = 16;
constexpr uint64_t kRounds = 1000;

// The child: answers every word with the next.
[[noreturn]] void echo() {
    for (;;) {
        IpcMessage m;
        if (ipc_recv(0, m) < 0 || ipc_send(m.sender, m.value + 1, 0, 0) < 0) panic("echo failed");
    }
}

// One round trip with child `kid`, checked.
void round_trip(uint64_t kid, uint64_t value) {
    IpcMessage m;
    if (ipc_send(kid, value, 0, 0) < 0 || ipc_recv(0, m) < 0) panic("round trip failed");
    if (m.value != value + 1 || m.sender != kid) panic("got %lu from %lu", m.value, m.sender);
}

}  // namespace

int main() {
    int64_t kid = fork();
    if (kid < 0) panic("fork: %s", result_name(kid));
    if (kid == 0) echo();
    uint64_t dom = static_cast<uint64_t>(kid);
    for (uint64_t i = 0; i < kWarmup; i++) round_trip(dom, i);
    uint64_t start = rdtsc_ordered();
    for (uint64_t i = 0; i < kRounds; i++) round_trip(dom, i);
    uint64_t ticks = rdtsc_ordered() - start;
    printf("BENCH ipc_round_trip %lu\n", ticks / kRounds);
    (void)sys_domain_destroy(dom);
    return 0;
}
