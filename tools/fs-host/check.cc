// exolab: lab 5
// tools/fs-host/check.cc: the host tests' consistency check (see check.h).
#include "check.h"

#include <cstdio>
#include <cstring>
#include <set>

#include "lib/fs/disk.h"
#include "lib/fs/format.h"

using namespace exofs;

namespace {

struct Checker {
    CheckReport report;
    SuperBlock sb{};
    std::vector<uint8_t> bitmap;
    std::vector<Inode> inodes;
    std::vector<uint32_t> owner;       // block -> inode owning it (0: none)
    std::vector<uint32_t> links;       // inode -> entries naming it
    std::vector<uint32_t> parent;      // directory inode -> its parent (0: not reached)

    void problem(const char* fmt, uint64_t a = 0, uint64_t b = 0, uint64_t c = 0) {
        char text[200];
        snprintf(text, sizeof text, fmt, a, b, c);
        report.problems.push_back(text);
    }

    bool read_block(uint32_t b, void* buf) {
        return disk::read(uint64_t(b) * kSectorsPerBlock, kSectorsPerBlock, buf).ok();
    }

    bool marked(uint32_t b) const { return bitmap[b / 8] & (1u << (b % 8)); }

    // Claims block b for inode inum.
    void claim(uint32_t b, uint32_t inum) {
        if (b < sb.data_start || b >= sb.nblocks) return problem("inode %lu: block %lu out of range", inum, b);
        if (owner[b] != 0) return problem("block %lu owned by inodes %lu and %lu", b, owner[b], inum);
        owner[b] = inum;
        if (!marked(b)) problem("block %lu of inode %lu is free in the bitmap", b, inum);
    }

    // The file blocks of inode inum, in order (0 for holes), claiming every
    // data and indirect block.
    std::vector<uint32_t> blocks_of(uint32_t inum) {
        const Inode& ip = inodes[inum];
        std::vector<uint32_t> map(ip.direct, ip.direct + kDirect);
        for (uint32_t b : map)
            if (b) claim(b, inum);
        auto indirect = [&](uint32_t ind, uint64_t first) {
            if (ind == 0) return;
            claim(ind, inum);
            uint32_t a[kAddrsPerBlock];
            if (!read_block(ind, a)) return problem("inode %lu: unreadable indirect block %lu", inum, ind);
            if (map.size() < first + kAddrsPerBlock) map.resize(first + kAddrsPerBlock, 0);
            for (uint32_t e = 0; e < kAddrsPerBlock; e++) {
                map[first + e] = a[e];
                if (a[e]) claim(a[e], inum);
            }
        };
        indirect(ip.indirect, kDirect);
        if (ip.double_indirect) {
            claim(ip.double_indirect, inum);
            uint32_t d[kAddrsPerBlock];
            if (!read_block(ip.double_indirect, d)) return map;
            for (uint32_t j = 0; j < kAddrsPerBlock; j++)
                indirect(d[j], kDirect + kAddrsPerBlock + uint64_t(j) * kAddrsPerBlock);
        }
        uint64_t end = (ip.size + kBlockSize - 1) / kBlockSize;
        for (uint64_t fb = end; fb < map.size(); fb++)
            if (map[fb]) problem("inode %lu: block %lu mapped past its end (size %lu)", inum, fb, ip.size);
        if (map.size() > end) map.resize(end);
        return map;
    }

    // Checks directory dir (reached from parent) and its entries.
    void directory(uint32_t dir, uint32_t up, std::vector<uint32_t>& queue) {
        const Inode ip = inodes[dir];
        if (ip.size % sizeof(DirEntry)) problem("directory %lu: size %lu", dir, ip.size);
        std::vector<uint32_t> map = blocks_of(dir);
        std::set<std::string> names;
        bool dot = false, dotdot = false;
        for (uint64_t off = 0; off + sizeof(DirEntry) <= ip.size; off += sizeof(DirEntry)) {
            uint32_t b = map[off / kBlockSize];
            if (b == 0) return problem("directory %lu: hole at %lu", dir, off);
            DirEntry block[kEntriesPerBlock];
            if (!read_block(b, block)) return problem("directory %lu: unreadable block %lu", dir, b);
            const DirEntry& e = block[(off % kBlockSize) / sizeof(DirEntry)];
            if (e.inum == 0) continue;
            size_t len = strnlen(e.name, sizeof e.name);
            std::string name(e.name, len);
            if (len == 0 || len > kNameMax || name.find('/') != std::string::npos)
                problem("directory %lu: bad name at %lu", dir, off);
            if (!names.insert(name).second) problem("directory %lu: name at %lu twice", dir, off);
            if (e.inum >= sb.ninodes || inodes[e.inum].type == InodeType::Free) {
                problem("directory %lu: entry at %lu names free inode %lu", dir, off, e.inum);
                continue;
            }
            links[e.inum]++;
            if (name == ".") {
                dot = true;
                if (e.inum != dir) problem("directory %lu: \".\" is %lu", dir, e.inum);
            } else if (name == "..") {
                dotdot = true;
                if (e.inum != up) problem("directory %lu: \"..\" is %lu, not %lu", dir, e.inum, up);
            } else if (inodes[e.inum].type == InodeType::Directory) {
                if (parent[e.inum] != 0) problem("directory %lu reached twice", e.inum);
                else {
                    parent[e.inum] = dir;
                    queue.push_back(e.inum);
                }
            }
        }
        if (!dot || !dotdot) problem("directory %lu lacks \".\" or \"..\"", dir);
    }

    void run() {
        uint8_t block[kBlockSize];
        if (!read_block(kSuperBlock, block)) return problem("unreadable superblock");
        memcpy(&sb, block, sizeof sb);
        if (sb.magic != kMagic || sb.data_start >= sb.nblocks) return problem("bad superblock");
        bitmap.resize(uint64_t(sb.bitmap_blocks) * kBlockSize);
        for (uint32_t k = 0; k < sb.bitmap_blocks; k++) read_block(sb.bitmap_start + k, &bitmap[k * kBlockSize]);
        inodes.resize(sb.ninodes);
        for (uint32_t k = 0; k < sb.inode_blocks; k++) read_block(sb.inode_start + k, &inodes[k * kInodesPerBlock]);
        CommitRecord record;
        disk::read(uint64_t(sb.log_start) * kSectorsPerBlock, 1, &record).value();
        if (record.magic == kLogMagic && record.count != 0) problem("journal holds %lu blocks", record.count);
        for (uint32_t b = 0; b < sb.data_start; b++)
            if (!marked(b)) problem("layout block %lu free in the bitmap", b);
        for (uint64_t b = sb.nblocks; b < bitmap.size() * 8; b++)
            if (!marked(static_cast<uint32_t>(b))) problem("padding bit %lu clear", b);
        owner.assign(sb.nblocks, 0);
        links.assign(sb.ninodes, 0);
        parent.assign(sb.ninodes, 0);
        if (inodes[kRootInode].type != InodeType::Directory) return problem("root is not a directory");
        std::vector<uint32_t> queue{kRootInode};
        parent[kRootInode] = kRootInode;
        for (size_t i = 0; i < queue.size(); i++) directory(queue[i], parent[queue[i]], queue);
        for (uint32_t inum = 1; inum < sb.ninodes; inum++) {
            const Inode& ip = inodes[inum];
            if (ip.type == InodeType::Free) continue;
            report.used_inodes++;
            if (ip.type != InodeType::File && ip.type != InodeType::Directory) {
                problem("inode %lu: type %lu", inum, uint64_t(ip.type));
                continue;
            }
            if (links[inum] == 0) problem("inode %lu allocated but unreachable", inum);
            else if (links[inum] != ip.nlink) problem("inode %lu: nlink %lu, %lu entries", inum, ip.nlink, links[inum]);
            if (ip.type == InodeType::File) blocks_of(inum);
        }
        for (uint32_t b = sb.data_start; b < sb.nblocks; b++) {
            if (!marked(b)) continue;
            report.used_blocks++;
            if (owner[b] == 0) problem("block %lu marked in use but owned by none (leaked)", b);
        }
    }
};

}  // namespace

CheckReport check_image() {
    Checker c;
    c.run();
    return c.report;
}
