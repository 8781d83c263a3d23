// exolab: lab 4
// user/bin/primes.cc: a prime sieve as a pipeline of domains joined by IPC.
//
// init sends the numbers 2..kLimit, then kEnd, to the first filter.  Each
// filter takes the first number it receives as its prime p and prints it;
// it drops multiples of p and passes every other number on to a next
// filter, which it forks when the first such number arrives.  kEnd travels
// down the pipeline, and each filter waits for the next before it exits.
// Checks that blocking sends and receives deliver every word, in order,
// across a chain of 25 domains: the primes below 100 come out in order.
#include "lib/fork.h"
#include "lib/ipc.h"
#include "lib/libos.h"

namespace {

constexpr uint64_t kLimit = 100;
constexpr uint64_t kEnd = 0;

// Receives the next number from the previous stage.
uint64_t receive() {
    IpcMessage m;
    if (int64_t r = ipc_recv(0, m); r < 0) panic("ipc_recv: %s", result_name(r));
    return m.value;
}

// Sends `n` to the next stage `dom`.
void send(uint64_t dom, uint64_t n) {
    if (int64_t r = ipc_send(dom, n, 0, 0); r < 0) panic("ipc_send to %lu: %s", dom, result_name(r));
}

// Forks the next stage, which runs filter(); returns its id (in the parent).
uint64_t spawn_filter();

// One stage of the pipeline; ends this domain.
[[noreturn]] void filter() {
    uint64_t p = receive();
    if (p == kEnd) exit();
    printf("primes: %lu\n", p);
    uint64_t next = 0;
    for (uint64_t n = receive(); n != kEnd; n = receive()) {
        if (n % p == 0) continue;
        if (next == 0) next = spawn_filter();
        send(next, n);
    }
    if (next != 0) {
        send(next, kEnd);
        wait(next);
    }
    exit();
}

uint64_t spawn_filter() {
    int64_t child = fork();
    if (child < 0) panic("fork: %s", result_name(child));
    if (child == 0) filter();
    return static_cast<uint64_t>(child);
}

}  // namespace

int main() {
    uint64_t first = spawn_filter();
    for (uint64_t n = 2; n <= kLimit; n++) send(first, n);
    send(first, kEnd);
    wait(first);
    printf("primes: done\n");
    return 0;
}
