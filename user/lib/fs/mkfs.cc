// exolab: lab 5
// user/lib/fs/mkfs.cc: format, an empty exofs written straight to the disk
// (no cache, no journal: nothing is mounted).  The host tool tools/mkfs
// builds images from the same format.h; this one lets a domain (and the
// host tests) format the disk it runs on.
#include "lib/fs/cache.h"
#include "lib/fs/disk.h"
#include "lib/fs/fs.h"
#include "lib/fs/ops.h"
#include "lib/fs/shared.h"

namespace exofs {
namespace {

constexpr uint32_t kBitsPerBlock = kBlockSize * 8;

// Writes the kBlockSize bytes at data to disk block b.
Result<void> put_block(uint32_t b, const uint8_t* data) {
    return disk::write(uint64_t(b) * kSectorsPerBlock, kSectorsPerBlock, data);
}

// Fills `bits`, bitmap block k, for a disk whose blocks [0, used) are in
// use: those bits and the padding bits past nblocks are set.
void fill_bitmap(uint8_t* bits, uint32_t k, uint32_t used, uint32_t nblocks) {
    zero_bytes(bits, kBlockSize);
    for (uint32_t i = 0; i < kBitsPerBlock; i++) {
        uint64_t b = uint64_t(k) * kBitsPerBlock + i;
        if (b < used || b >= nblocks) bits[i / 8] |= static_cast<uint8_t>(1u << (i % 8));
    }
}

// Writes every block of the layout sb describes (the superblock last, so
// that a format cut short leaves no mountable volume).  buf: kBlockSize.
Result<void> write_layout(const SuperBlock& sb, uint8_t* buf) {
    zero_bytes(buf, kBlockSize);
    auto* record = reinterpret_cast<CommitRecord*>(buf);
    record->magic = kLogMagic;
    TRY(put_block(sb.log_start, buf));
    uint32_t root_block = sb.data_start;
    for (uint32_t k = 0; k < sb.bitmap_blocks; k++) {
        fill_bitmap(buf, k, root_block + 1, sb.nblocks);
        TRY(put_block(sb.bitmap_start + k, buf));
    }
    for (uint32_t k = 0; k < sb.inode_blocks; k++) {
        zero_bytes(buf, kBlockSize);
        if (k == kRootInode / kInodesPerBlock) {
            Inode& root = reinterpret_cast<Inode*>(buf)[kRootInode % kInodesPerBlock];
            root.type = InodeType::Directory;
            root.nlink = 2;  // its "." and its ".."
            root.size = 2 * sizeof(DirEntry);
            root.direct[0] = root_block;
        }
        TRY(put_block(sb.inode_start + k, buf));
    }
    zero_bytes(buf, kBlockSize);
    auto* entries = reinterpret_cast<DirEntry*>(buf);
    entries[0].inum = kRootInode;
    entries[0].name[0] = '.';
    entries[1].inum = kRootInode;
    entries[1].name[0] = entries[1].name[1] = '.';
    TRY(put_block(root_block, buf));
    zero_bytes(buf, kBlockSize);
    copy_bytes(buf, &sb, sizeof sb);
    return put_block(kSuperBlock, buf);
}

}  // namespace

Result<void> format(uint32_t nblocks, uint32_t ninodes, uint32_t log_blocks) {
    uint64_t sectors = TRY(disk::sectors());
    if (log_blocks < 2 || log_blocks > kLogMax + 1 || ninodes < kRootInode + 1 ||
        uint64_t(nblocks) * kSectorsPerBlock > sectors)
        return Error::InvalidArgument;
    SuperBlock sb;
    zero_bytes(&sb, sizeof sb);
    sb.magic = kMagic;
    sb.version = kVersion;
    sb.block_size = kBlockSize;
    sb.nblocks = nblocks;
    sb.log_start = kSuperBlock + 1;
    sb.log_blocks = log_blocks;
    sb.bitmap_start = sb.log_start + log_blocks;
    sb.bitmap_blocks = (nblocks + kBitsPerBlock - 1) / kBitsPerBlock;
    sb.inode_start = sb.bitmap_start + sb.bitmap_blocks;
    sb.inode_blocks = (ninodes + kInodesPerBlock - 1) / kInodesPerBlock;
    sb.ninodes = sb.inode_blocks * kInodesPerBlock;
    sb.data_start = sb.inode_start + sb.inode_blocks;
    if (uint64_t(sb.data_start) + 1 >= nblocks || log_blocks - 1 < op_reserve(sb)) return Error::InvalidArgument;
    Shared* s = reinterpret_cast<Shared*>(TRY(region_attach(kRegionPages)));
    cache::lock();
    Result<void> done = s->mounted ? Result<void>(Error::Busy) : write_layout(sb, block_data(0));
    cache::unlock();
    return done;
}

}  // namespace exofs
