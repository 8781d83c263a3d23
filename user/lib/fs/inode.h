// exolab: lab 5
// user/lib/fs/inode.h: blocks, inodes and the inode block map, inside the
// running operation (fs.cc holds the lock and the journal reserve).
//
// An inode is named by its number; inode_get gives a pointer into the
// cache, valid for the current epoch (cache.h).  A file block maps to a
// disk block through the direct, indirect and double-indirect levels
// (format.h); 0 is a hole, read as zeros.  Invariant kept by every write
// and truncate: no block is mapped at or past ceil(size / kBlockSize).
#pragma once

#include <cstdint>

#include "lib/fs/format.h"
#include "lib/result.h"

namespace exofs {

// ---- alloc.cc ----

// Allocates a free data block: marks it in the bitmap and puts it in the
// cache, dirty, never read from the disk: zeroed, or (zeroed false, for a
// caller that overwrites all of it at once) as the slot left it.
// Errors: NoSpace; Corrupt when the bitmap says a block before data_start
// is free, or a padding bit past nblocks that the scan reads is clear
// (damage: such a block is never handed out); IoError.
Result<uint32_t> block_alloc(bool zeroed = true);

// Frees data block b in the bitmap.  Errors: Corrupt if b is not a data
// block or already free.
Result<void> block_free(uint32_t b);

// Allocates a free inode of `type`: every other field zero (nlink 0, no
// blocks), in the cache and marked dirty.  Renews the epoch.  Errors:
// NoSpace; IoError.
Result<uint32_t> inode_alloc(InodeType type);

// Marks inode inum free (its blocks must be freed already): zeroed and
// dirty.  Errors: Corrupt for inode 0, the root, an inum past the table
// or an inode already free (nothing changes then); IoError.
Result<void> inode_free(uint32_t inum);

// ---- inode.cc ----

// The cached inode inum.  Errors: Corrupt for an inum out of range.
Result<Inode*> inode_get(uint32_t inum);

// Marks the (cached) inode ip changed.
void inode_dirty(Inode* ip);

// What bmap does with a hole.
enum class Holes {
    Keep,       // leave it: bmap returns 0
    Fill,       // allocate the missing blocks, zeroed
    FillWhole,  // the same, but the data block is not zeroed: the caller
                // overwrites all of it before the operation ends
};

// The disk block of file block fb of *ip, 0 for a hole (Holes::Keep);
// otherwise holes on the way are filled with new blocks (ip and the
// indirect blocks are marked dirty).  Errors: TooBig past kMaxFileBlocks;
// NoSpace; Corrupt; IoError.
Result<uint32_t> bmap(Inode* ip, uint64_t fb, Holes holes);

// Reads up to n bytes at off of inode inum into buf, stopping at the end
// of the file.  Returns the bytes read.  Renews the epoch.
Result<uint64_t> inode_read(uint32_t inum, uint64_t off, void* buf, uint64_t n);

// Writes n bytes from buf at off of inode inum, growing the file.  The
// caller's reserve covers the blocks (write_reserve).  Returns n, or the
// bytes written before an error (the error if none).  Errors: TooBig,
// NoSpace, IoError, Corrupt.  Renews the epoch.
Result<uint64_t> inode_write(uint32_t inum, uint64_t off, const void* buf, uint64_t n);

// The journal reserve of an inode_write touching `blocks` file blocks:
// each data block and a bitmap block for it, the inode, and the indirect,
// double-indirect and two second-level blocks a range may cross.
constexpr uint32_t write_reserve(uint32_t blocks) { return 2 * blocks + 5; }

// Sets inode inum's size, freeing every block (and indirect block) past
// the new end and zeroing the rest of a partly kept last block; growing
// leaves a hole.  Reserve: trunc_reserve.  Renews
// the epoch.  Errors: TooBig; Corrupt; IoError.
Result<void> inode_truncate(uint32_t inum, uint64_t size);

// The journal reserve of inode_truncate: the inode, the partly kept data
// block, indirect, double-indirect and second-level blocks, and every
// bitmap block.
inline uint32_t trunc_reserve(const SuperBlock& sb) { return sb.bitmap_blocks + 5; }

}  // namespace exofs
