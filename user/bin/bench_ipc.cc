// exolab: lab 4
// user/bin/bench_ipc.cc: the cost of an IPC round trip, one word each way,
// for `make bench` (DESIGN §8).
//
// init sends a word to a forked child with lib/ipc.h's ipc_send and waits
// in ipc_recv; the child answers with the word + 1.  Each side waits with
// ipc_recv(then = the other side), so the CPU goes straight to the domain
// that must answer, and that domain resumes with no upcall (it has no
// resume handler): a round trip is two sends and two receives, with no
// pass through the root scheduler.  Linux's figure is a one-byte ping-pong
// over two pipes.
#include "lib/fork.h"
#include "lib/ipc.h"
#include "lib/libos.h"
#include "lib/x86.h"

namespace {

constexpr uint64_t kWarmup = 16;
constexpr uint64_t kRounds = 1000;

// The child: answers every word with the next.
[[noreturn]] void echo() {
    for (uint64_t asker = 0;;) {
        IpcMessage m;
        if (ipc_recv(0, m, asker) < 0 || ipc_send(m.sender, m.value + 1, 0, 0) < 0) panic("echo failed");
        asker = m.sender;
    }
}

// One round trip with child `kid`, checked.
void round_trip(uint64_t kid, uint64_t value) {
    IpcMessage m;
    if (ipc_send(kid, value, 0, 0) < 0 || ipc_recv(0, m, kid) < 0) panic("round trip failed");
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
