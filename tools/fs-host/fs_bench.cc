// exolab: lab 5
// tools/fs-host/fs_bench.cc: the instruction counts of exofs's cached
// paths on the host (make fs-host-bench), an estimate of DESIGN §8's
// figures before they are measured in QEMU under -icount.  Run under
// callgrind, which counts each iteration of a rep movsq as one
// instruction, as -icount does; each figure is the mean of 100 runs after
// a warm-up, the libOS's calls alone (no system calls on these paths).
//   usage: valgrind --tool=callgrind --collect-atstart=no ... fs-bench <dir>
#include <valgrind/callgrind.h>

#include <cstdio>
#include <string>

#include "host.h"
#include "lib/fs/fs.h"

using namespace exofs;

namespace {

constexpr int kRuns = 100;
alignas(64) char buf[4096];
int fd;

void write_4k() { (void)pwrite(fd, buf, sizeof buf, 0); }

void read_4k() { (void)pread(fd, buf, sizeof buf, 0); }

void create_write_close_unlink() {
    int f = open("/tmpfile", kWrite | kCreate).value();
    (void)write(f, "0123456789abcdef", 16);
    (void)close(f);
    (void)unlink("/tmpfile");
}

// Runs op kRuns times with callgrind collecting, then dumps the counts
// under `name` (nothing happens outside valgrind).
void measure(const char* name, void (*op)()) {
    for (int i = 0; i < 10; i++) op();
    CALLGRIND_ZERO_STATS;
    CALLGRIND_TOGGLE_COLLECT;
    for (int i = 0; i < kRuns; i++) op();
    CALLGRIND_TOGGLE_COLLECT;
    CALLGRIND_DUMP_STATS_AT(name);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s <directory for the image>\n", argv[0]);
        return 2;
    }
    host_region_reset();
    if (!host_disk_open((std::string(argv[1]) + "/bench.img").c_str(), 8 << 20)) return 1;
    (void)format(2048, 256, 127);
    (void)mount();
    for (int i = 0; i < 20; i++) {  // a root with some entries to pass
        std::string name = "/file" + std::to_string(i);
        (void)close(open(name.c_str(), kWrite | kCreate).value());
    }
    fd = open("/f", kRead | kWrite | kCreate).value();
    (void)write(fd, buf, sizeof buf);
    measure("write_4k", write_4k);
    measure("read_4k", read_4k);
    measure("create_write16_close_unlink", create_write_close_unlink);
    return 0;
}
