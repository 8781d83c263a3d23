// exolab: lab 5
// user/bin/pipeunit.cc: unit checks of the pipe ring (Exercise 10):
// pipe_read and pipe_write through io::read and io::write.  Run as init on
// an empty exofs (pipes live in the file system's region); closes ends
// with io::close and forks, so it needs Exercise 9 too.
//
// Prints "pipeunit: <check>: ok" for each check, or the first thing found
// wrong.
#include "lib/fork.h"
#include "lib/fs/disk.h"
#include "lib/fs/fd.h"
#include "lib/fs/fs.h"
#include "lib/io.h"
#include "lib/libos.h"
#include "lib/pipe.h"
#include "lib/unitcheck.h"
#include "lib/windows.h"

namespace {

constexpr uint64_t kBig = 300000;  // one write, many rings' worth
uint8_t out[8192], in[8192];


// The byte at offset i of a test stream (not periodic in the ring's size).
uint8_t pattern(uint64_t i) { return static_cast<uint8_t>((i * 13 + i / 251) & 0xff); }

// Fills out[0..n) with the stream from offset `from`.
void fill(uint64_t from, uint64_t n) {
    for (uint64_t i = 0; i < n; i++) out[i] = pattern(from + i);
}

// Whether in[0..n) is the stream from offset `from`.
bool matches(uint64_t from, uint64_t n) {
    for (uint64_t i = 0; i < n; i++) {
        if (in[i] != pattern(from + i)) return false;
    }
    return true;
}

// The ring of the pipe whose end fd is.
exofs::PipeRing& ring_of(int fd) {
    uint16_t entry = exofs::files()->fd[fd];
    return exofs::shared()->pipes[exofs::shared()->files[entry - 1].inum];
}

// Writes n bytes of the stream from `from` and reads them back in one
// domain, in reads of whatever is there; false on any difference.
bool round_trip(const int ends[2], uint64_t from, uint64_t n) {
    fill(from, n);
    Result<uint64_t> w = io::write(ends[1], out, n);
    if (!w || w.value() != n) return fail("a write that fits in the ring did not write it all");
    for (uint64_t got = 0; got < n;) {
        Result<uint64_t> r = io::read(ends[0], in, n - got);
        if (!r || r.value() == 0) return fail("a read of a non-empty ring returned nothing");
        if (!matches(from + got, r.value())) return fail("the bytes read are not those written");
        got += r.value();
    }
    return true;
}

// Writes `pieces` writes of `size` bytes of the stream from `from` (all
// in the ring at once: pieces * size <= kPipeBytes), checks where they
// landed in the ring, then reads them back; false on any difference.
bool pieces_trip(const int ends[2], uint64_t from, uint64_t pieces, uint64_t size) {
    const exofs::PipeRing& p = ring_of(ends[1]);
    uint64_t first = p.tail;
    for (uint64_t i = 0; i < pieces; i++) {
        fill(from + i * size, size);
        Result<uint64_t> w = io::write(ends[1], out, size);
        if (!w || w.value() != size) return fail("a write that fits in the ring did not write it all");
    }
    if (p.tail != first + pieces * size) return fail("tail does not count the bytes written");
    for (uint64_t i = 0; i < pieces * size; i++) {
        if (p.data[(first + i) % exofs::kPipeBytes] != pattern(from + i)) {
            return fail("byte number c of the pipe is not at data[c % kPipeBytes]");
        }
    }
    for (uint64_t got = 0; got < pieces * size;) {
        Result<uint64_t> r = io::read(ends[0], in, pieces * size - got);
        if (!r || r.value() == 0) return fail("a read of a non-empty ring returned nothing");
        if (!matches(from + got, r.value())) return fail("the bytes read are not those written");
        got += r.value();
    }
    return true;
}

bool check_one_domain() {
    int ends[2];
    MUST(io::pipe(ends));
    fill(0, 100);
    if (MUST(io::write(ends[1], out, 100)) != 100) return fail("write of 100 bytes");
    Result<uint64_t> r = io::read(ends[0], in, sizeof in);
    if (!r || r.value() != 100 || !matches(0, 100)) return fail("a read must return what is there, not wait for more");
    r = io::read(ends[0], in, 0);
    if (!r || r.value() != 0) return fail("a read of 0 bytes must return 0 at once");
    fill(0, exofs::kPipeBytes);
    r = io::write(ends[1], out, exofs::kPipeBytes);
    if (!r || r.value() != exofs::kPipeBytes) return fail("a write of exactly the ring's size");
    r = io::read(ends[0], in, sizeof in);
    if (!r || r.value() != exofs::kPipeBytes || !matches(0, exofs::kPipeBytes)) return fail("a full ring read back");
    MUST(io::close(ends[0]));
    MUST(io::close(ends[1]));
    return true;
}

bool check_wrap_around() {
    int ends[2];
    MUST(io::pipe(ends));
    uint64_t at = 0;
    for (int round = 0; round < 20; round++) {
        uint64_t n = 1000 + static_cast<uint64_t>(round) * 47;  // two pieces fit in the ring
        if (!pieces_trip(ends, at, 2, n)) return false;
        at += 2 * n;
    }
    MUST(io::close(ends[0]));
    MUST(io::close(ends[1]));
    return true;
}

bool check_counters_past_32_bits() {
    int ends[2];
    MUST(io::pipe(ends));
    exofs::PipeRing& p = ring_of(ends[0]);
    p.head = p.tail = (uint64_t(1) << 32) - 1000;  // as if 4 GiB had gone through
    uint64_t at = 0;
    for (int round = 0; round < 4; round++) {  // pieces written before and after 2^32, read together
        if (!pieces_trip(ends, at, 5, 700)) return false;
        at += 5 * 700;
    }
    if (!round_trip(ends, at, exofs::kPipeBytes)) return false;
    if (p.head != p.tail || p.tail != (uint64_t(1) << 32) - 1000 + at + exofs::kPipeBytes) {
        return fail("head and tail do not count the bytes read and written");
    }
    MUST(io::close(ends[0]));
    MUST(io::close(ends[1]));
    return true;
}

bool check_eof_after_the_data() {
    int ends[2];
    MUST(io::pipe(ends));
    fill(0, 10);
    MUST(io::write(ends[1], out, 10));
    MUST(io::close(ends[1]));
    Result<uint64_t> r = io::read(ends[0], in, sizeof in);
    if (!r || r.value() != 10 || !matches(0, 10)) return fail("the data before EOF was lost");
    for (int again = 0; again < 2; again++) {
        r = io::read(ends[0], in, sizeof in);
        if (!r || r.value() != 0) return fail("no EOF once the writer closed and the ring is empty");
    }
    MUST(io::close(ends[0]));
    return true;
}

bool check_no_reader() {
    int ends[2];
    MUST(io::pipe(ends));
    MUST(io::close(ends[0]));
    Result<uint64_t> w = io::write(ends[1], "x", 1);
    if (w || w.error() != Error::BrokenPipe) return fail("a write with no reader must fail with BrokenPipe");
    MUST(io::close(ends[1]));
    return true;
}

// A forked writer puts kBig bytes through in one write while the parent
// reads in odd pieces; both must give the CPU away while they wait.
bool check_two_domains() {
    int ends[2];
    MUST(io::pipe(ends));
    const volatile DomainInfo& me = domain_table()[sys_self()];
    int64_t child = fork();
    if (child == 0) {
        (void)io::close(ends[0]);
        const volatile DomainInfo& writer = domain_table()[sys_self()];
        uint64_t before = writer.preempted;
        static uint8_t all[kBig];
        for (uint64_t i = 0; i < kBig; i++) all[i] = pattern(i);
        Result<uint64_t> w = io::write(ends[1], all, kBig);
        uint64_t preempted = writer.preempted - before;
        bool whole = w && w.value() == kBig;
        // kBig / kPipeBytes waits at least: a writer that spun through
        // them would lose a slice to the clock in each.
        bool yielded = preempted * 2 < kBig / exofs::kPipeBytes;
        printf("pipeunit: the writer: %s\n", !whole ? "one large write did not write it all"
                                           : yielded ? "ok" : "spun while the ring was full");
        exit();
    }
    if (child < 0) return fail("fork failed");
    MUST(io::close(ends[1]));
    uint64_t before = me.preempted, got = 0, reads = 0;
    bool intact = true;
    for (;;) {
        Result<uint64_t> r = io::read(ends[0], in, 777);
        if (!r) return fail("read failed");
        if (r.value() == 0) break;
        intact = intact && matches(got, r.value());
        got += r.value();
        reads++;
    }
    uint64_t preempted = me.preempted - before;
    (void)wait(static_cast<uint64_t>(child));
    MUST(io::close(ends[0]));
    if (got != kBig || !intact) return fail("the bytes that arrived are not those written");
    if (preempted * 2 >= reads) return fail("the reader spun while the ring was empty");
    return true;
}

// The reader leaves while the writer waits for room: the write ends with
// what went in, the next one fails.
bool check_reader_leaves() {
    int ends[2];
    MUST(io::pipe(ends));
    int64_t child = fork();
    if (child == 0) {
        (void)io::close(ends[1]);
        for (uint64_t got = 0; got < 5000;) {
            Result<uint64_t> r = io::read(ends[0], in, 5000 - got);
            if (!r || r.value() == 0) break;
            got += r.value();
        }
        exit();
    }
    if (child < 0) return fail("fork failed");
    MUST(io::close(ends[0]));
    static uint8_t lots[100000];
    Result<uint64_t> w = io::write(ends[1], lots, sizeof lots);
    (void)wait(static_cast<uint64_t>(child));
    if (!w || w.value() < 5000 || w.value() >= sizeof lots) {
        return fail("a write whose reader left must return what went in before");
    }
    w = io::write(ends[1], lots, 1);
    if (w || w.error() != Error::BrokenPipe) return fail("the next write must fail with BrokenPipe");
    MUST(io::close(ends[1]));
    return true;
}

// The last writer leaves, having written nothing, while the reader waits.
bool check_writer_leaves() {
    int ends[2];
    MUST(io::pipe(ends));
    int64_t child = fork();
    if (child == 0) {
        (void)io::close(ends[0]);
        for (int i = 0; i < 20; i++) (void)sys_yield(YIELD_ANY);
        exit();
    }
    if (child < 0) return fail("fork failed");
    MUST(io::close(ends[1]));
    Result<uint64_t> r = io::read(ends[0], in, sizeof in);
    (void)wait(static_cast<uint64_t>(child));
    if (!r || r.value() != 0) return fail("no EOF when the last writer left");
    MUST(io::close(ends[0]));
    return true;
}


}  // namespace

int main() {
    UnitChecks checks("pipeunit");
    MUST(disk::claim_ports());
    MUST(exofs::mount());
    checks.run("one domain", check_one_domain);
    checks.run("wrap-around", check_wrap_around);
    checks.run("counters past 32 bits", check_counters_past_32_bits);
    checks.run("EOF after the data", check_eof_after_the_data);
    checks.run("no reader", check_no_reader);
    checks.run("two domains", check_two_domains);
    checks.run("the reader leaves", check_reader_leaves);
    checks.run("the writer leaves", check_writer_leaves);
    printf("pipeunit: done\n");
    return 0;
}
