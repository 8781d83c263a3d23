// exolab: lab 5
// user/bin/fspersist.cc: what sync puts on the disk survives a reboot.
//
// Boot it twice on one image.  The first time (no /persist yet) it makes
// /persist/notes/today with a known text and a 100 KiB file, syncs, and
// prints "fspersist: wrote"; the second time it finds them and prints what
// it reads back.
#include "lib/fs/disk.h"
#include "lib/fs/fs.h"
#include "lib/libos.h"

namespace {

using namespace exofs;

constexpr char kText[] = "the file system is a library";
constexpr uint64_t kBigSize = 100 * 1024;

uint8_t byte_at(uint64_t off) { return static_cast<uint8_t>(off % 253); }

void write_files() {
    MUST(mkdir("/persist"));
    MUST(mkdir("/persist/notes"));
    int fd = MUST(open("/persist/notes/today", kCreate | kWrite));
    MUST(write(fd, kText, sizeof(kText)));
    MUST(close(fd));
    static uint8_t big[kBigSize];
    for (uint64_t i = 0; i < kBigSize; i++) big[i] = byte_at(i);
    fd = MUST(open("/persist/big", kCreate | kWrite));
    MUST(write(fd, big, kBigSize));
    MUST(close(fd));
    MUST(sync());
    printf("fspersist: wrote\n");
}

void read_files() {
    char text[64] = {};
    int fd = MUST(open("/persist/notes/today", kRead));
    MUST(read(fd, text, sizeof(text) - 1));
    MUST(close(fd));
    printf("fspersist: today says \"%s\"\n", text);
    static uint8_t big[kBigSize + 1];
    fd = MUST(open("/persist/big", kRead));
    uint64_t n = MUST(read(fd, big, sizeof(big)));
    MUST(close(fd));
    bool same = n == kBigSize;
    for (uint64_t i = 0; same && i < kBigSize; i++) same = big[i] == byte_at(i);
    printf("fspersist: big is %lu bytes, %s\n", n, same ? "intact" : "changed");
}

}  // namespace

int main() {
    MUST(disk::claim_ports());
    MUST(mount());
    Result<Stat> there = stat("/persist");
    if (there.ok()) {
        read_files();
    } else {
        write_files();
    }
    return 0;
}
