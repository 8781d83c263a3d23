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

template <typename T>
T must(Result<T> r, const char* what) {
    if (!r.ok()) panic("%s: %s", what, error_name(r.error()));
    return r.value();
}
void must(Result<void> r, const char* what) {
    if (!r.ok()) panic("%s: %s", what, error_name(r.error()));
}

uint8_t byte_at(uint64_t off) { return static_cast<uint8_t>(off % 253); }

void write_files() {
    must(mkdir("/persist"), "mkdir");
    must(mkdir("/persist/notes"), "mkdir");
    int fd = must(open("/persist/notes/today", kCreate | kWrite), "open");
    must(write(fd, kText, sizeof(kText)), "write");
    must(close(fd), "close");
    static uint8_t big[kBigSize];
    for (uint64_t i = 0; i < kBigSize; i++) big[i] = byte_at(i);
    fd = must(open("/persist/big", kCreate | kWrite), "open");
    must(write(fd, big, kBigSize), "write");
    must(close(fd), "close");
    must(sync(), "sync");
    printf("fspersist: wrote\n");
}

void read_files() {
    char text[64] = {};
    int fd = must(open("/persist/notes/today", kRead), "open");
    must(read(fd, text, sizeof(text) - 1), "read");
    must(close(fd), "close");
    printf("fspersist: today says \"%s\"\n", text);
    static uint8_t big[kBigSize + 1];
    fd = must(open("/persist/big", kRead), "open");
    uint64_t n = must(read(fd, big, sizeof(big)), "read");
    must(close(fd), "close");
    bool same = n == kBigSize;
    for (uint64_t i = 0; same && i < kBigSize; i++) same = big[i] == byte_at(i);
    printf("fspersist: big is %lu bytes, %s\n", n, same ? "intact" : "changed");
}

}  // namespace

int main() {
    must(disk::claim_ports(), "claim_ports");
    must(mount(), "mount");
    Result<Stat> there = stat("/persist");
    if (there.ok()) {
        read_files();
    } else {
        write_files();
    }
    return 0;
}
