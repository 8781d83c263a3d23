// exolab: lab 5
// user/bin/bench_fs.cc: the cost of exofs's cached operations, for
// `make bench` (DESIGN §8), which boots it with a fresh 16 MiB image.
//
// Each figure is the mean of kRounds calls after kWarmup, on a file whose
// blocks are in the buffer cache: no disk access and no system call on the
// measured path (the cache is the libOS's own memory).  Linux's figures
// are pwrite and pread of 4 KiB on tmpfs, and open(O_CREAT) + write of 16
// bytes + close + unlink on tmpfs.
#include "lib/fs/disk.h"
#include "lib/fs/fs.h"
#include "lib/libos.h"
#include "lib/x86.h"

namespace {

using namespace exofs;

constexpr uint64_t kWarmup = 16;
constexpr uint64_t kRounds = 1000;

alignas(4096) char page[4096];

template <typename T>
T must(Result<T> r, const char* what) {
    if (!r.ok()) panic("%s: %s", what, error_name(r.error()));
    return r.value();
}
void must(Result<void> r, const char* what) {
    if (!r.ok()) panic("%s: %s", what, error_name(r.error()));
}

// Prints "BENCH <name> <ticks>": the mean of kRounds calls of `step`.
template <typename F>
void measure(const char* name, F step) {
    for (uint64_t i = 0; i < kWarmup; i++) step(i);
    uint64_t start = rdtsc_ordered();
    for (uint64_t i = 0; i < kRounds; i++) step(i);
    printf("BENCH %s %lu\n", name, (rdtsc_ordered() - start) / kRounds);
}

}  // namespace

int main() {
    must(disk::claim_ports(), "claim_ports");
    must(mount(), "mount");
    int fd = must(open("/bench", kCreate | kRead | kWrite), "open");
    memset(page, 'x', sizeof(page));
    must(write(fd, page, sizeof(page)), "write");
    measure("fs_write_4k", [fd](uint64_t i) {
        page[0] = static_cast<char>(i);
        if (must(pwrite(fd, page, sizeof(page), 0), "pwrite") != sizeof(page)) panic("short pwrite");
    });
    measure("fs_read_4k", [fd](uint64_t) {
        if (must(pread(fd, page, sizeof(page), 0), "pread") != sizeof(page)) panic("short pread");
    });
    measure("fs_create_write_unlink", [](uint64_t) {
        int f = must(open("/tmpfile", kCreate | kWrite | kExclusive), "create");
        must(write(f, "sixteen bytes!!\n", 16), "write");
        must(close(f), "close");
        must(unlink("/tmpfile"), "unlink");
    });
    must(close(fd), "close");
    return 0;
}
