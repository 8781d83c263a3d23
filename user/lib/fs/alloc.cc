// exolab: lab 5
// user/lib/fs/alloc.cc: the block bitmap and the inode table's free inodes
// (see inode.h).
#include "lib/fs/cache.h"
#include "lib/fs/inode.h"
#include "lib/fs/shared.h"

namespace exofs {
namespace {

constexpr uint32_t kBitsPerBlock = kBlockSize * 8;

// The cached bitmap word holding block b's bit.
Result<uint64_t*> bitmap_word(uint32_t b) {
    const SuperBlock& sb = shared()->sb;
    uint8_t* bits = TRY(cache::get(sb.bitmap_start + b / kBitsPerBlock));
    return reinterpret_cast<uint64_t*>(bits) + (b % kBitsPerBlock) / 64;
}

}  // namespace

Result<uint32_t> block_alloc(bool zeroed) {
#if SOL >= 5
    Shared* s = shared();
    const SuperBlock& sb = s->sb;
    uint32_t start = s->block_hint < sb.data_start || s->block_hint >= sb.nblocks ? sb.data_start : s->block_hint;
    // Word by word from the hint's word to the end, then from the start.
    uint32_t first_word = start / 64, words = (sb.nblocks + 63) / 64;
    for (uint32_t n = 0; n <= words; n++) {
        uint32_t w = (first_word + n) % words;
        uint64_t* word = TRY(bitmap_word(w * 64));
        if (*word == ~0ull) continue;
        uint32_t b = w * 64 + static_cast<uint32_t>(__builtin_ctzll(~*word));
        if (b >= sb.nblocks || b < sb.data_start) return Error::Corrupt;  // padding or layout bits clear
        *word |= 1ull << (b % 64);
        cache::mark_dirty(word);
        s->block_hint = b + 1;
        uint8_t* data = TRY(cache::get(b, zeroed ? cache::Fill::Zero : cache::Fill::None));
        cache::mark_dirty(data);
        return b;
    }
    return Error::NoSpace;
#else
    // LAB 5: Exercise 3 (part 1). A free data block, now marked in use in
    // the (cached) bitmap, and in the cache with its contents zeroed if
    // `zeroed` (else whatever the cache holds: the caller overwrites it
    // all).  Every block changed must be marked dirty, or the journal never
    // writes it.  Threats: the bitmap comes from the disk: a clear bit past
    // nblocks (the last bitmap block's padding) must never be handed out,
    // nor one inside the layout's own regions (that one is Corrupt: a
    // damaged disk); a full disk is NoSpace;
    // and allocation after allocation must not rescan the whole bitmap:
    // the block handed out is the first free one from Shared::block_hint
    // on (its 64-bit word may start a little before it), wrapping around
    // past the end, and the hint then lies just past it.
    (void)zeroed, (void)bitmap_word;
    return Error::NotImplemented;
#endif
}

Result<void> block_free(uint32_t b) {
#if SOL >= 5
    Shared* s = shared();
    if (b < s->sb.data_start || b >= s->sb.nblocks) return Error::Corrupt;
    uint64_t* word = TRY(bitmap_word(b));
    uint64_t bit = 1ull << (b % 64);
    if (!(*word & bit)) return Error::Corrupt;
    *word &= ~bit;
    cache::mark_dirty(word);
    if (b < s->block_hint) s->block_hint = b;
    return {};
#else
    // LAB 5: Exercise 3 (part 2). Gives block b back.  Threats: b comes
    // from an inode or an indirect block on the disk: a block outside the
    // data region, or one already free (a double free: two files would
    // later share it), is Corrupt and changes nothing.  A block freed
    // before the hint is the next one handed out.
    (void)b;
    return Error::NotImplemented;
#endif
}

Result<uint32_t> inode_alloc(InodeType type) {
#if SOL >= 5
    Shared* s = shared();
    uint32_t n = s->sb.ninodes;
    uint32_t start = s->inode_hint <= kRootInode || s->inode_hint >= n ? kRootInode + 1 : s->inode_hint;
    for (uint32_t scanned = 0; scanned < n; scanned++) {
        uint32_t inum = start + scanned < n ? start + scanned : start + scanned - n;
        if (inum <= kRootInode) continue;
        if (inum % kInodesPerBlock == 0 || scanned == 0) cache::next_epoch();  // a long scan pins one block at a time
        Inode* candidate = TRY(inode_get(inum));
        if (candidate->type != InodeType::Free) continue;
        zero_bytes(candidate, sizeof *candidate);
        candidate->type = type;
        inode_dirty(candidate);
        s->inode_hint = inum + 1;
        return inum;
    }
    return Error::NoSpace;
#else
    // LAB 5: Exercise 3 (part 3). Contract in inode.h.  Threats: the inode
    // table comes from the disk: a free inode may still hold a dead file's
    // size, links and block numbers, and the new one must start from
    // nothing; inode 0 and the root are never free, whatever the table
    // says.  The table may be far larger than the cache: a scan that
    // holds a pointer to every inode block it passes pins them all
    // (cache.h) and runs the cache out.  Creating file after file must not
    // rescan the table from its start: the inode handed out is the first
    // free one from Shared::inode_hint on, wrapping around, and one freed
    // before the hint is the next handed out.
    (void)type;
    return Error::NotImplemented;
#endif
}

Result<void> inode_free(uint32_t inum) {
#if SOL >= 5
    if (inum <= kRootInode) return Error::Corrupt;
    Inode* dying = TRY(inode_get(inum));
    if (dying->type == InodeType::Free) return Error::Corrupt;
    zero_bytes(dying, sizeof *dying);
    inode_dirty(dying);
    if (inum < shared()->inode_hint) shared()->inode_hint = inum;
    return {};
#else
    // LAB 5: Exercise 3 (part 4). Contract in inode.h.  Threat: inum comes
    // from a directory entry on the disk: freeing the root, or an inode
    // that is already free (a second free while another file may hold
    // it), must change nothing.
    (void)inum;
    return Error::NotImplemented;
#endif
}

}  // namespace exofs
