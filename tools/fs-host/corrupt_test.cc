// exolab: lab 5
// tools/fs-host/corrupt_test.cc: a damaged disk is bad input, not a bug:
// with random bytes of its metadata overwritten, exofs may refuse to mount
// or fail operations (Corrupt, NotFound, ...), but never panics, faults or
// loops.
#include <cstring>
#include <vector>

#include "host.h"
#include "lib/fs/disk.h"
#include "testing.h"

using namespace exofs;

namespace {

uint64_t state = 12345;
uint64_t rnd(uint64_t n) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return (state >> 33) % n;
}

// Walks the tree under dir (ending in "/") reading every file, ignoring
// errors; depth bounds a cycle of directories.
void walk(const std::string& dir, int depth) {
    if (depth > 8) return;
    Result<int> fd = exofs::open(dir.c_str(), kRead);
    if (!fd) return;
    DirEntry e;
    for (int n = 0; n < 1000; n++) {
        Result<bool> more = readdir(fd.value(), &e);
        if (!more || !more.value()) break;
        e.name[kNameMax] = 0;
        std::string name = e.name;
        if (name == "." || name == ".." || name.empty()) continue;
        std::string path = dir + name;
        Result<Stat> st = exofs::stat(path.c_str());
        if (!st) continue;
        if (st.value().type == InodeType::Directory) {
            walk(path + "/", depth + 1);
        } else {
            Result<int> f = exofs::open(path.c_str(), kRead);
            if (!f) continue;
            char buf[4096];
            for (int k = 0; k < 64; k++) {
                Result<uint64_t> got = exofs::read(f.value(), buf, sizeof buf);
                if (!got || got.value() == 0) break;
            }
            (void)exofs::close(f.value());
        }
    }
    (void)exofs::close(fd.value());
}

}  // namespace

void test_corruption() {
    fresh_volume("corrupt.img", 1024, 64, 64);
    OK(exofs::mkdir("/d"));
    OK(exofs::mkdir("/d/e"));
    for (int i = 0; i < 12; i++) {
        std::string path = (i % 2 ? "/d/f" : "/d/e/g") + std::to_string(i);
        spit(path.c_str(), std::string(1000 + i * 9000, char('a' + i)));
    }
    OK(unmount());
    SuperBlock sb;
    std::vector<uint8_t> image(1024 * kBlockSize);
    for (uint32_t b = 0; b < 1024; b++) OK(disk::read(b * 8ull, 8, &image[b * kBlockSize]));
    memcpy(&sb, &image[kSuperBlock * kBlockSize], sizeof sb);
    // The blocks worth damaging: the journal, bitmap, inodes, data in use.
    uint32_t first = sb.log_start, last = sb.data_start + 40;
    int mounted = 0;
    for (int round = 0; round < 60; round++) {
        host_region_reset();
        std::vector<uint8_t> bad = image;
        for (int k = 0; k < 1 + static_cast<int>(rnd(4)); k++) {
            uint64_t at = (first + rnd(last - first)) * uint64_t(kBlockSize) + rnd(kBlockSize);
            bad[at] = static_cast<uint8_t>(rnd(256));
            if (rnd(2)) bad[at & ~3ull] = static_cast<uint8_t>(rnd(256));  // often a block number
        }
        for (uint32_t b = 0; b < 1024; b++) OK(disk::write(b * 8ull, 8, &bad[b * kBlockSize]));
        if (!exofs::mount()) continue;
        mounted++;
        walk("/", 0);
        (void)exofs::mkdir("/new");
        Result<int> fd = exofs::open("/d/e/new", kWrite | kCreate);
        if (fd) {
            (void)exofs::write(fd.value(), bad.data(), 50000);
            (void)exofs::close(fd.value());
        }
        (void)exofs::unlink("/d/f1");
        (void)exofs::truncate("/d/f3", 10);
        (void)exofs::rename("/d/e", "/moved");
        (void)exofs::rmdir("/d");
        (void)exofs::sync();
        (void)exofs::unmount();
    }
    CHECK(mounted > 30);
    host_region_reset();
}
