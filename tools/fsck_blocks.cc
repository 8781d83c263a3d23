// exolab: lab 5
// tools/fsck_blocks.cc: fsck's checks of the inode table and the bitmap:
// inode types, sizes against block maps, every block an inode reaches
// (direct, indirect, double-indirect, and the indirect blocks themselves) in
// the data region and owned once, and the bitmap against those owners.
#include <algorithm>
#include <cstring>

#include "fsck.h"

using namespace exofs;
using fsimage::Block;

namespace fsck {

namespace {

// The block numbers in an indirect block.
const uint32_t* table(const Block& block) { return reinterpret_cast<const uint32_t*>(block.data()); }

const uint64_t kMaxFileBytes = kMaxFileBlocks * kBlockSize;

// Calls report(first, end) for each longest run first..end-1 of blocks
// below n for which in_run holds.
template <class InRun, class Report>
void for_each_run(uint64_t n, InRun in_run, Report report) {
    for (uint64_t b = 0; b < n;) {
        if (!in_run(b)) {
            b++;
            continue;
        }
        const uint64_t first = b;
        while (b < n && in_run(b))
            b++;
        report(first, b);
    }
}

}  // namespace

Block Checker::read(uint32_t b) const {
    Block block;
    if (!image_.read(b, block))
        throw Unusable("cannot read block " + std::to_string(b));
    return block;
}

bool Checker::allocated(uint32_t inum) const {
    return inodes_[inum].type == InodeType::File || inodes_[inum].type == InodeType::Directory;
}

void Checker::load() {
    inodes_.resize(sb_.ninodes);
    for (uint32_t i = 0; i < sb_.inode_blocks; i++) {
        const Block block = read(sb_.inode_start + i);
        std::memcpy(&inodes_[size_t(i) * kInodesPerBlock], block.data(), kBlockSize);
    }
    bitmap_.resize(size_t(sb_.bitmap_blocks) * kBlockSize);
    for (uint32_t i = 0; i < sb_.bitmap_blocks; i++) {
        const Block block = read(sb_.bitmap_start + i);
        std::memcpy(&bitmap_[size_t(i) * kBlockSize], block.data(), kBlockSize);
    }
    owners_.assign(sb_.nblocks, Owner{});
    dir_blocks_.assign(sb_.ninodes, {});
}

// "inode 5 (file block 3)", "inode 5 (its indirect block)", ...
std::string Checker::describe(Owner owner) const {
    std::string text = "inode " + std::to_string(owner.inum) + " (";
    if (owner.where == kIndirect)
        return text + "its indirect block)";
    if (owner.where == kDoubleIndirect)
        return text + "its double-indirect block)";
    if (owner.where & kSecondLevel)
        return text + "indirect block " + std::to_string(owner.where & ~kSecondLevel) + " of its double-indirect)";
    return text + "file block " + std::to_string(owner.where) + ")";
}

// Records that inode inum names block b at `where` (the first file block
// it maps: `first`; the file's blocks by its size: `used`).  True when b
// is now this inode's alone: in the data region and owned by nobody else,
// so that the caller may read it.
bool Checker::claim(uint32_t inum, uint32_t b, uint32_t where, uint64_t first, uint64_t used, bool report_past) {
    if (b == 0)
        return false;
    const Owner me{inum, where};
    if (b < sb_.data_start || b >= sb_.nblocks) {
        problem("block outside the data region", describe(me) + " names block " + std::to_string(b) +
                ", outside the data region (blocks " + std::to_string(sb_.data_start) + ".." +
                std::to_string(sb_.nblocks - 1) + ")");
        return false;
    }
    if (first >= used && report_past)
        problem("block past the size", describe(me) + " names block " + std::to_string(b) + ", past its size of " +
                std::to_string(inodes_[inum].size) + " bytes (" + std::to_string(used) + " blocks)");
    if (owners_[b].inum != 0) {
        problem("block owned twice", "block " + std::to_string(b) + " is named by " + describe(owners_[b]) +
                " and by " + describe(me));
        return false;
    }
    owners_[b] = me;
    return true;
}

// Claims data block b at file block fb; a directory remembers it.
void Checker::claim_data(uint32_t inum, uint32_t b, uint64_t fb, uint64_t used, bool report_past) {
    if (claim(inum, b, uint32_t(fb), fb, used, report_past) && inodes_[inum].type == InodeType::Directory)
        dir_blocks_[inum].push_back({fb, b});
}

// Walks inode inum's block map, claiming every block it names.  A block
// past the size is reported once: an indirect block past it, not each
// block it names.
void Checker::walk(uint32_t inum) {
    const Inode& inode = inodes_[inum];
    const uint64_t used = (std::min(inode.size, kMaxFileBytes) + kBlockSize - 1) / kBlockSize;
    for (uint32_t i = 0; i < kDirect; i++)
        claim_data(inum, inode.direct[i], i, used, true);
    uint64_t first = kDirect;
    if (claim(inum, inode.indirect, kIndirect, first, used, true)) {
        const Block block = read(inode.indirect);
        for (uint32_t i = 0; i < kAddrsPerBlock; i++)
            claim_data(inum, table(block)[i], first + i, used, first < used);
    }
    first += kAddrsPerBlock;
    if (claim(inum, inode.double_indirect, kDoubleIndirect, first, used, true)) {
        const Block outer = read(inode.double_indirect);
        for (uint32_t j = 0; j < kAddrsPerBlock; j++) {
            const uint64_t start = first + uint64_t(j) * kAddrsPerBlock;
            if (!claim(inum, table(outer)[j], kSecondLevel | j, start, used, first < used))
                continue;
            const Block inner = read(table(outer)[j]);
            for (uint32_t i = 0; i < kAddrsPerBlock; i++)
                claim_data(inum, table(inner)[i], start + i, used, start < used);
        }
    }
}

void Checker::check_inodes() {
    if (inodes_[0].type != InodeType::Free)
        problem("bad inode", "inode 0 has type " + std::to_string(unsigned(inodes_[0].type)) +
                ", but inode 0 is never used");
    for (uint32_t inum = 1; inum < sb_.ninodes; inum++) {
        const Inode& inode = inodes_[inum];
        if (inode.type == InodeType::Free)
            continue;
        if (!allocated(inum)) {
            problem("bad inode type", "inode " + std::to_string(inum) + " has type " +
                    std::to_string(unsigned(inode.type)) + " (0 free, 1 file, 2 directory)");
            continue;
        }
        if (inode.size > kMaxFileBytes)
            problem("size too large", "inode " + std::to_string(inum) + " has size " + std::to_string(inode.size) +
                    ", more than the largest file (" + std::to_string(kMaxFileBytes) + " bytes)");
        walk(inum);
    }
}

// One problem line for blocks first..end-1, which share a fault.
void Checker::report_run(uint64_t first, uint64_t end, const char* what, const char* detail) {
    const std::string blocks = end - first == 1 ? "block " + std::to_string(first)
                                                : "blocks " + std::to_string(first) + ".." + std::to_string(end - 1);
    problem(what, blocks + " " + detail);
}

void Checker::check_bitmap() {
    const auto leaked = [&](uint64_t b) {
        return b >= sb_.data_start && fsimage::bit(bitmap_, b) && owners_[b].inum == 0;
    };
    for_each_run(sb_.nblocks, leaked, [&](uint64_t first, uint64_t end) {
        report_run(first, end, "leaked block", "marked in use in the bitmap, but no inode names it");
        leaked_ += end - first;
    });
    const auto metadata_free = [&](uint64_t b) { return b < sb_.data_start && !fsimage::bit(bitmap_, b); };
    for_each_run(sb_.nblocks, metadata_free, [&](uint64_t first, uint64_t end) {
        report_run(first, end, "metadata free in bitmap", "before the data region, but free in the bitmap");
    });
    for (uint64_t b = sb_.data_start; b < sb_.nblocks; b++)
        if (owners_[b].inum != 0 && !fsimage::bit(bitmap_, b))
            problem("used block free in bitmap", "block " + std::to_string(b) + " is named by " +
                    describe(owners_[b]) + ", but free in the bitmap");
    uint64_t clear = 0;
    for (uint64_t b = sb_.nblocks; b < bitmap_.size() * 8; b++)
        clear += !fsimage::bit(bitmap_, b);
    if (clear)
        problem("bitmap padding", std::to_string(clear) + " bits past the last block (" +
                std::to_string(sb_.nblocks - 1) + ") are clear; they must be set");
}

uint64_t Checker::inodes_in_use() const {
    uint64_t n = 0;
    for (uint32_t inum = 1; inum < sb_.ninodes; inum++)
        n += allocated(inum);
    return n;
}

uint64_t Checker::blocks_in_use() const {
    uint64_t n = 0;
    for (uint64_t b = 0; b < sb_.nblocks; b++)
        n += fsimage::bit(bitmap_, b);
    return n;
}

}  // namespace fsck
