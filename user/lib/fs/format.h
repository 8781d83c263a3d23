// exolab: lab 5
// user/lib/fs/format.h: exofs's on-disk format, the one definition shared by
// the libOS file system (user/lib/fs/) and the host tools (tools/mkfs,
// tools/fsck).  The kernel knows nothing of it (DESIGN §3.5).
//
// The disk is an array of 4 KiB blocks (8 sectors of 512 bytes); block b
// starts at sector 8*b.  All integers are little-endian; a block number of 0
// means "none" (block 0 is never part of a file).
//
//   block 0          unused (room for a boot sector)
//   block 1          the superblock
//   log_start        the journal: the commit record in its first sector,
//   .. +log_blocks   then log_blocks - 1 blocks of logged contents
//   bitmap_start     one bit per block of the disk, 1 = in use: block b is
//   .. +bitmap_blocks  bit b % 8 (1 << (b % 8)) of byte b / 8; every block
//                    before data_start and the padding bits past nblocks
//                    are set
//   inode_start      the inode table, kInodesPerBlock inodes per block;
//   .. +inode_blocks inode 0 is never used, inode 1 is the root directory
//   data_start       data blocks: file contents, directories, indirect
//   .. nblocks       blocks
//
// An inode names its data through kDirect direct block numbers, one
// indirect block (kAddrsPerBlock numbers) and one double-indirect block (a
// block of indirect blocks):
//
//   file blocks 0 .. 11                 the direct blocks, in order
//               12 .. 12+1023           the indirect block's entries, in order
//               12+1024 .. 12+1024+1024^2-1   through the double-indirect
//                                       block: its entries name indirect
//                                       blocks, in order, each mapping the
//                                       next 1024 of these file blocks
//
// A directory is a file of DirEntry records (64 per block); an entry with
// inum 0 is free.  Every directory holds "." and ".." (the root's ".." is
// itself); its nlink counts the entries that name it: its parent's entry,
// its own ".", and the ".." of each subdirectory.
//
// The journal (DESIGN §3.5): the file system changes the disk only through
// transactions.  The commit record is one sector, so it is written whole or
// not at all.  A record with count > 0 says: logged block i holds the new
// contents of disk block home[i], for each i < count, and they are
// committed.  At mount such a record is replayed (each logged block copied
// home, which may be done again after a crash), then a record of count 0
// is written.  Count 0: nothing to replay.
#pragma once

#include <cstdint>

namespace exofs {

constexpr uint32_t kBlockSize = 4096;
constexpr uint32_t kSectorSize = 512;
constexpr uint32_t kSectorsPerBlock = kBlockSize / kSectorSize;

constexpr uint64_t kMagic = 0x313053464f584500ull;  // "\0EXOFS01"
constexpr uint32_t kVersion = 1;

constexpr uint32_t kSuperBlock = 1;
constexpr uint32_t kRootInode = 1;

struct SuperBlock {
    uint64_t magic;          // kMagic
    uint32_t version;        // kVersion
    uint32_t block_size;     // kBlockSize
    uint32_t nblocks;        // blocks on the disk, all regions included
    uint32_t ninodes;        // inode_blocks * kInodesPerBlock
    uint32_t log_start;
    uint32_t log_blocks;     // the commit record's block plus the logged blocks
    uint32_t bitmap_start;
    uint32_t bitmap_blocks;
    uint32_t inode_start;
    uint32_t inode_blocks;
    uint32_t data_start;
    uint32_t reserved[3];
};
static_assert(sizeof(SuperBlock) == 64);

enum class InodeType : uint16_t { Free = 0, File = 1, Directory = 2 };

constexpr uint32_t kDirect = 12;
constexpr uint32_t kAddrsPerBlock = kBlockSize / sizeof(uint32_t);  // 1024

struct Inode {
    InodeType type;
    uint16_t nlink;          // directory entries naming this inode
    uint32_t reserved0;
    uint64_t size;           // bytes
    uint32_t direct[kDirect];
    uint32_t indirect;       // a block of kAddrsPerBlock block numbers
    uint32_t double_indirect;  // a block of indirect block numbers
    uint32_t reserved[14];   // pads the inode to 128 bytes
};
static_assert(sizeof(Inode) == 128);

constexpr uint32_t kInodesPerBlock = kBlockSize / sizeof(Inode);  // 32

// The largest file: every slot of the three levels.
constexpr uint64_t kMaxFileBlocks =
    kDirect + kAddrsPerBlock + uint64_t(kAddrsPerBlock) * kAddrsPerBlock;

constexpr uint32_t kNameMax = 59;  // bytes of a name; name[] ends in NUL

struct DirEntry {
    uint32_t inum;           // 0: a free entry
    char name[kNameMax + 1]; // NUL-terminated; no '/', not empty
};
static_assert(sizeof(DirEntry) == 64);

constexpr uint32_t kEntriesPerBlock = kBlockSize / sizeof(DirEntry);  // 64

// The commit record: the first sector of block log_start.  Logged block i
// (0 <= i < count) is block log_start + 1 + i of the disk, and its home is
// home[i], a block past the log (bitmap, inode table or data: the log never
// writes block 0, the superblock or itself).  count 0: nothing to replay.
constexpr uint32_t kLogMagic = 0x474f4c58;  // "XLOG"
constexpr uint32_t kLogMax = (kSectorSize - 8) / sizeof(uint32_t);  // 126

struct CommitRecord {
    uint32_t magic;          // kLogMagic
    uint32_t count;          // 0 .. log_blocks - 1, at most kLogMax
    uint32_t home[kLogMax];
};
static_assert(sizeof(CommitRecord) == kSectorSize);

}  // namespace exofs
