// exolab: lab 5
// user/bin/fsbig.cc: a file through every level of the block map.
//
// Writes a file of 4 MiB + 48 KiB + 12,345 bytes (past the direct blocks,
// all of the indirect block, and into the double-indirect level) in
// pieces of odd sizes, syncs, reads it back in other odd pieces, then
// truncates it to 10,000 bytes and back up, checking that the freed
// blocks return to the bitmap.  Prints what it found.
#include "lib/fs/disk.h"
#include "lib/fs/fs.h"
#include "lib/libos.h"

namespace {

using namespace exofs;

constexpr uint64_t kSize = 4 * 1024 * 1024 + 48 * 1024 + 12345;
uint8_t piece[70001];

uint8_t byte_at(uint64_t off) { return static_cast<uint8_t>((off * 7 + off / 4093) % 251); }

// The number of free blocks on the disk, counted in the bitmap blocks read
// straight from the disk (call it after a sync).
uint64_t free_blocks() {
    SuperBlock sb;
    static uint8_t block[kBlockSize];
    MUST(disk::read(uint64_t{kSuperBlock} * kSectorsPerBlock, kSectorsPerBlock, block));
    memcpy(&sb, block, sizeof(sb));
    uint64_t used = 0;
    for (uint32_t b = 0; b < sb.bitmap_blocks; b++) {
        MUST(disk::read(uint64_t(sb.bitmap_start + b) * kSectorsPerBlock, kSectorsPerBlock, block));
        for (uint32_t i = 0; i < kBlockSize; i++) {
            for (uint8_t bits = block[i]; bits != 0; bits &= bits - 1) used++;
        }
    }
    return uint64_t(sb.bitmap_blocks) * kBlockSize * 8 - used;
}

}  // namespace

int main() {
    MUST(disk::claim_ports());
    MUST(mount());
    uint64_t free_before = free_blocks();
    int fd = MUST(open("/big", kCreate | kRead | kWrite));
    for (uint64_t off = 0, n; off < kSize; off += n) {
        n = kSize - off < sizeof(piece) ? kSize - off : sizeof(piece) - (off % 3);
        for (uint64_t i = 0; i < n; i++) piece[i] = byte_at(off + i);
        if (MUST(write(fd, piece, n)) != n) panic("short write at %lu", off);
    }
    MUST(sync());
    printf("fsbig: wrote %lu bytes, size %lu\n", kSize, MUST(fstat(fd)).size);
    uint64_t bad = kSize;
    for (uint64_t off = 0, n; off < kSize; off += n) {
        n = kSize - off < 40961 ? kSize - off : 40961;
        if (MUST(pread(fd, piece, n, off)) != n) panic("short read at %lu", off);
        for (uint64_t i = 0; i < n && bad == kSize; i++) {
            if (piece[i] != byte_at(off + i)) bad = off + i;
        }
    }
    if (bad == kSize) {
        printf("fsbig: read back intact\n");
    } else {
        printf("fsbig: byte %lu differs\n", bad);
    }
    uint64_t used = free_before - free_blocks();
    // Data blocks, the indirect block, the double-indirect block and one
    // second-level block.
    uint64_t data = (kSize + kBlockSize - 1) / kBlockSize;
    printf("fsbig: blocks used %s\n", used == data + 3 ? "data + 3 map blocks" : "unexpected");
    if (used != data + 3) printf("fsbig: used %lu blocks for %lu data blocks\n", used, data);
    MUST(ftruncate(fd, 10000));
    MUST(sync());
    uint64_t kept = free_before - free_blocks();
    printf("fsbig: after truncating to 10000 bytes, blocks used %lu\n", kept);
    MUST(ftruncate(fd, kSize));
    uint64_t zeros = 0;
    for (uint64_t off = 10000; off < kSize; off += 65536) {
        uint8_t b = 1;
        if (MUST(pread(fd, &b, 1, off)) == 1 && b == 0) zeros++;
    }
    printf("fsbig: grown back, the hole reads as zeros: %s\n", zeros == (kSize - 10000 + 65535) / 65536 ? "yes" : "no");
    MUST(close(fd));
    MUST(unlink("/big"));
    MUST(sync());
    printf("fsbig: after unlink, blocks used %lu\n", free_before - free_blocks());
    return 0;
}
