// exolab: lab 5
// tools/fsimage.h: what the host tools (tools/mkfs, tools/fsck) share about
// an exofs image: the rules a superblock's layout obeys, the bitmap's bit
// order, and a reader that never trusts the image: every block number is
// checked against the file before it is read.  The format itself is
// user/lib/fs/format.h, the one definition shared with the libOS.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "lib/fs/format.h"

namespace fsimage {

using Block = std::array<uint8_t, exofs::kBlockSize>;

// The empty string when `sb` describes a layout the format allows for a disk
// of at least sb.nblocks blocks, else one sentence saying what is wrong:
// version and block size, block 0 and the superblock before the log, the
// regions in their order (log, bitmap, inode table, data), not overlapping,
// each non-empty, a log of 2 .. 1 + kLogMax blocks, a bitmap with a bit for
// every block, ninodes filling the inode table, at least one data block.
// Magic is not checked here (the caller says "not exofs" for that).
std::string layout_error(const exofs::SuperBlock& sb);

// The bitmap's bit of block b (format.h: bit b % 8 of byte b / 8).  The
// caller keeps b below bitmap.size() * 8.
inline bool bit(const std::vector<uint8_t>& bitmap, uint64_t b) {
    return (bitmap[b / 8] >> (b % 8)) & 1;
}
inline void set_bit(std::vector<uint8_t>& bitmap, uint64_t b) {
    bitmap[b / 8] |= uint8_t(1u << (b % 8));
}

// An image file opened read-only.  Blocks can be overlaid in memory (fsck
// replays the journal that way): a read of an overlaid block returns the
// overlay, never the file.
class Image {
public:
    // Opens `path`; on failure returns false and sets `error` to a sentence
    // naming the system's reason.
    bool open(const std::string& path, std::string& error);
    // Closes the file.
    ~Image();

    // Bytes in the file (0 until open succeeded).
    uint64_t bytes() const { return bytes_; }

    // Whether block b lies wholly inside the file.
    bool has_block(uint64_t b) const { return (b + 1) * exofs::kBlockSize <= bytes_; }

    // Reads block b into `out`.  False (out zeroed) when b is not wholly
    // inside the file or the read fails; the caller says which it was.
    bool read(uint64_t b, Block& out) const;

    // Later reads of block `home` return `contents`.
    void overlay(uint32_t home, const Block& contents) { overlay_[home] = contents; }

private:
    int fd_ = -1;
    uint64_t bytes_ = 0;
    std::map<uint32_t, Block> overlay_;
};

}  // namespace fsimage
