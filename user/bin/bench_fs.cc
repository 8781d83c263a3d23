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
    MUST(disk::claim_ports());
    MUST(mount());
    int fd = MUST(open("/bench", kCreate | kRead | kWrite));
    memset(page, 'x', sizeof(page));
    MUST(write(fd, page, sizeof(page)));
    measure("fs_write_4k", [fd](uint64_t i) {
        page[0] = static_cast<char>(i);
        if (MUST(pwrite(fd, page, sizeof(page), 0)) != sizeof(page)) panic("short pwrite");
    });
    measure("fs_read_4k", [fd](uint64_t) {
        if (MUST(pread(fd, page, sizeof(page), 0)) != sizeof(page)) panic("short pread");
    });
    measure("fs_create_write_unlink", [](uint64_t) {
        int f = MUST(open("/tmpfile", kCreate | kWrite | kExclusive));
        MUST(write(f, "sixteen bytes!!\n", 16));
        MUST(close(f));
        MUST(unlink("/tmpfile"));
    });
    MUST(close(fd));
    return 0;
}
