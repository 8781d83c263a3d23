// exolab: lab 5
// user/bin/primespipe.cc: primespipe [N]: the primes up to N (default 100,
// at most 1000) by a sieve of domains joined by pipes.
//
// The first domain writes 2..N into a pipe.  Each filter (this program
// spawned again with "-filter") reads its first number p from fd 0, which
// is prime, prints it, and passes on the numbers that p does not divide
// to the next filter, which it spawns on a new pipe when it has one to
// pass.  The end of the numbers travels down the chain as EOF.
#include "lib/fork.h"
#include "lib/io.h"
#include "lib/libos.h"
#include "lib/pipe.h"
#include "lib/spawn.h"

namespace {

// Reads exactly one number from fd; false at EOF.
bool read_number(int fd, uint32_t* n) {
    auto* bytes = reinterpret_cast<uint8_t*>(n);
    for (uint64_t got = 0; got < sizeof *n;) {
        Result<uint64_t> r = io::read(fd, bytes + got, sizeof *n - got);
        if (!r || r.value() == 0) return false;
        got += r.value();
    }
    return true;
}

// Spawns the next filter reading from a new pipe; returns the pipe's write
// end and sets *child.
int next_stage(uint64_t* child) {
    int ends[2];
    if (Result<void> r = io::pipe(ends); !r) panic("primespipe: pipe: %s", error_name(r.error()));
    const char* argv[] = {"primespipe", "-filter", nullptr};
    int fds[3] = {ends[0], 1, 2};
    Result<uint64_t> r = spawn("primespipe", argv, fds);
    if (!r) panic("primespipe: spawn: %s", error_name(r.error()));
    *child = r.value();
    (void)io::close(ends[0]);
    return ends[1];
}

// A filter: fd 0 carries the numbers not divided by any smaller prime.
void filter() {
    uint32_t p, n;
    if (!read_number(0, &p)) return;
    printf("prime %u\n", p);
    int out = -1;
    uint64_t child = 0;
    while (read_number(0, &n)) {
        if (n % p == 0) continue;
        if (out < 0) out = next_stage(&child);
        if (!io::write(out, &n, sizeof n)) break;
    }
    if (out >= 0) {
        (void)io::close(out);
        (void)wait(child);
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc > 1 && strcmp(argv[1], "-filter") == 0) {
        filter();
        return 0;
    }
    uint32_t limit = 0;
    for (const char* d = argc > 1 ? argv[1] : "100"; *d >= '0' && *d <= '9' && limit <= 1000; d++) limit = limit * 10 + (*d - '0');
    if (limit < 2 || limit > 1000) {
        printf("usage: primespipe [N], 2 <= N <= 1000\n");
        return 1;
    }
    uint64_t child;
    int out = next_stage(&child);
    for (uint32_t n = 2; n <= limit; n++) {
        if (!io::write(out, &n, sizeof n)) break;
    }
    (void)io::close(out);
    (void)wait(child);
    return 0;
}
