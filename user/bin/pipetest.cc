// exolab: lab 5
// user/bin/pipetest.cc: a megabyte through a pipe between a forked child
// and its parent, then EOF, then a write with no reader (DESIGN §3.5).
//
// Prints "pipetest: <bytes> bytes intact, then EOF" (or where the data went
// wrong), "pipetest: write with no reader: <error>", "pipetest: more than
// 256 reads" (the ring is 4 KiB: the reader had to wait for the writer
// many times), and whether the reader's slices ended by the clock in
// fewer than half of its reads: a reader that spun while waiting would
// lose every such slice to the clock instead of giving it away.
#include "lib/fork.h"
#include "lib/io.h"
#include "lib/libos.h"
#include "lib/pipe.h"
#include "lib/windows.h"

namespace {

constexpr uint64_t kTotal = 1048576;
uint8_t chunk[3001];

// The byte at offset i of the stream (not periodic in the ring's size).
uint8_t pattern(uint64_t i) { return static_cast<uint8_t>((i * 7 + i / 4093) & 0xff); }

}  // namespace

int main() {
    int ends[2];
    if (Result<void> r = io::pipe(ends); !r) panic("pipetest: pipe: %s", error_name(r.error()));
    int64_t child = fork();
    if (child < 0) panic("pipetest: fork: %s", result_name(child));
    if (child == 0) {
        (void)io::close(ends[0]);
        for (uint64_t sent = 0; sent < kTotal;) {
            uint64_t n = kTotal - sent < sizeof chunk ? kTotal - sent : sizeof chunk;
            for (uint64_t i = 0; i < n; i++) chunk[i] = pattern(sent + i);
            if (!io::write(ends[1], chunk, n)) panic("pipetest: write failed at %lu", sent);
            sent += n;
        }
        exit();  // closes the write end: the reader sees EOF
    }
    (void)io::close(ends[1]);
    uint64_t got = 0, reads = 0;
    const volatile DomainInfo& me = domain_table()[sys_self()];
    uint64_t preempted_before = me.preempted;
    bool intact = true;
    static uint8_t buffer[5000];
    for (;;) {
        Result<uint64_t> r = io::read(ends[0], buffer, sizeof buffer);
        if (!r) panic("pipetest: read: %s", error_name(r.error()));
        if (r.value() == 0) break;
        for (uint64_t i = 0; i < r.value() && intact; i++) {
            if (buffer[i] != pattern(got + i)) {
                printf("pipetest: byte %lu is %u, expected %u\n", got + i, buffer[i], pattern(got + i));
                intact = false;
            }
        }
        got += r.value();
        reads++;
    }
    uint64_t preempted = me.preempted - preempted_before;
    printf("pipetest: %lu bytes %s, then EOF\n", got, intact ? "intact" : "CORRUPT");
    (void)wait(static_cast<uint64_t>(child));
    (void)io::close(ends[0]);
    if (Result<void> r = io::pipe(ends); !r) panic("pipetest: pipe: %s", error_name(r.error()));
    (void)io::close(ends[0]);
    Result<uint64_t> w = io::write(ends[1], "x", 1);
    printf("pipetest: write with no reader: %s\n", w ? "succeeded" : error_name(w.error()));
    (void)io::close(ends[1]);
    printf("pipetest: %s reads\n", reads > 256 ? "more than 256" : "at most 256");
    printf("pipetest: the reader lost a slice to the clock in fewer than half of its reads: %s (%lu of %lu)\n",
           preempted * 2 < reads ? "yes" : "no", preempted, reads);
    return 0;
}
