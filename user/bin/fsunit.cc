// exolab: lab 5
// user/bin/fsunit.cc: exofs's internals one at a time, for Exercises 3-6.
//
// Run as init on an image tools/mkfs made from a tree with /dir holding
// file0 .. file69 (file<k> is k + 1 bytes long) and a file whose name is 59
// bytes long, /huge holding f0 .. f38461 (601 blocks of entries, more than
// the cache has slots), and /big, 2,100 blocks of 'B'.  Mounts, then checks, each on its own and without a commit:
//
//   alloc    block_alloc and block_free on the cached bitmap (Exercise 3)
//   hint     where block_alloc looks first: at the hint, wrapping around,
//            a freed block first (Exercise 3)
//   inodes   inode_alloc and inode_free on a table larger than the cache:
//            a dead file's fields, the hint, a wrap past every used inode,
//            double and root frees, a full table (Exercise 3)
//   bmap     the block map of a new inode at every level, its new blocks
//            taken from free blocks whose cached copies hold stale bytes
//            (Exercise 4)
//   truncate inode_truncate of a file mapped at every level, cut inside
//            and at the start of each level, grown, emptied; and of /big,
//            whose map blocks are on the disk (Exercise 4)
//   lookup   dir_lookup in /dir, which spans two blocks (Exercise 5)
//   entries  dir_free_slot and dir_is_empty: the first free entry, names
//            with dots, free entries and slots past the size, /huge, a
//            file, a hole (Exercise 5)
//   journal  write_transaction with the power cut at every sector, each
//            time followed by replay; replay refusing damaged records, and
//            cut at every sector itself, then replayed again (Exercise 6)
//
// and prints "fsunit: <check>: ok" or "fsunit: <check>: FAILED <why>".
#include "lib/fs/cache.h"
#include "lib/fs/dir.h"
#include "lib/fs/disk.h"
#include "lib/fs/fs.h"
#include "lib/fs/inode.h"
#include "lib/fs/journal.h"
#include "lib/fs/ops.h"
#include "lib/fs/shared.h"
#include "lib/libos.h"

namespace {

using namespace exofs;

char why[160];

#define EXPECT(cond)                                                               \
    do {                                                                           \
        if (!(cond)) {                                                             \
            snprintf(why, sizeof(why), "line %d: %s", __LINE__, #cond);            \
            return false;                                                          \
        }                                                                          \
    } while (0)

#define MUST_OK(expr)                                                                                  \
    ({                                                                                                 \
        auto r_ = (expr);                                                                              \
        if (!r_.ok()) {                                                                                \
            snprintf(why, sizeof(why), "line %d: %s: %s", __LINE__, #expr, error_name(r_.error()));   \
            return false;                                                                              \
        }                                                                                              \
        r_.value();                                                                                    \
    })

template <typename T>
Error error_of(Result<T> r) {
    return r.ok() ? Error(0) : r.error();
}

const SuperBlock& sb() { return shared()->sb; }
Name name_of(const char* s) { return Name{s, static_cast<uint32_t>(strlen(s))}; }
bool in_data(uint32_t b) { return b >= sb().data_start && b < sb().nblocks; }

// Whether block b's bit is set in the cached bitmap.
bool bit_set(uint32_t b) {
    Result<uint8_t*> bits = cache::get(sb().bitmap_start + b / (kBlockSize * 8));
    return bits.ok() && (bits.value()[b % (kBlockSize * 8) / 8] >> (b % 8) & 1);
}

// Whether block b is in the cache, marked dirty: changed in the running
// transaction, so the next commit writes it.  A block changed but not
// marked is lost at that commit.
bool cached_dirty(uint32_t b) {
    for (const CacheSlot& slot : shared()->slots) {
        if (slot.block == b) return slot.dirty != 0;
    }
    return false;
}

// On a bitmap (its first block, `bits`, in the cache) with every bit set:
// NoSpace; with a padding bit past the disk clear: still no block; with
// the superblock's bit clear: Corrupt, not the superblock.
bool check_full_bitmap(uint8_t* bits) {
    memset(bits, 0xFF, kBlockSize);
    EXPECT(error_of(block_alloc(true)) == Error::NoSpace);
    uint32_t padding = sb().nblocks;  // the first bit past the disk
    if (padding < kBlockSize * 8) {
        bits[padding / 8] &= static_cast<uint8_t>(~(1u << padding % 8));
        EXPECT(!block_alloc(true).ok());  // Corrupt, or NoSpace if the scan never reads padding
        bits[padding / 8] |= static_cast<uint8_t>(1u << padding % 8);
    }
    bits[kSuperBlock / 8] &= static_cast<uint8_t>(~(1u << kSuperBlock % 8));
    EXPECT(error_of(block_alloc(true)) == Error::Corrupt);
    return true;
}

// block_free on a bitmap block the disk holds (clean in the cache): the
// first data block of /dir/file69, freed, must leave the bitmap dirty; the
// bit is set again by hand.
bool check_free_marks_bitmap() {
    DirHit dir = MUST_OK(dir_lookup(kRootInode, name_of("dir")));
    uint32_t victim = MUST_OK(inode_get(MUST_OK(dir_lookup(dir.inum, name_of("file69"))).inum))->direct[0];
    uint32_t bitmap = sb().bitmap_start + victim / (kBlockSize * 8);
    EXPECT(in_data(victim) && bit_set(victim) && !cached_dirty(bitmap));
    MUST_OK(block_free(victim));
    bool marked = cached_dirty(bitmap);
    uint8_t* bits = MUST_OK(cache::get(bitmap));
    bits[victim % (kBlockSize * 8) / 8] |= static_cast<uint8_t>(1u << victim % 8);
    EXPECT(marked);
    return true;
}

bool check_alloc() {
    Op op;
    MUST_OK(op.check());
    if (!check_free_marks_bitmap()) return false;
    uint32_t whole = MUST_OK(block_alloc(false));  // the caller overwrites it: still dirty
    EXPECT(in_data(whole) && bit_set(whole) && cached_dirty(whole));
    uint32_t got[6];
    for (uint32_t& b : got) {
        b = MUST_OK(block_alloc(true));
        EXPECT(in_data(b) && bit_set(b));
        EXPECT(cached_dirty(sb().bitmap_start + b / (kBlockSize * 8)));  // the bitmap block changed
        EXPECT(cached_dirty(b));                                          // zeroed: changed too
    }
    for (int i = 0; i < 6; i++) {
        for (int j = 0; j < i; j++) EXPECT(got[i] != got[j]);
    }
    uint8_t* data = MUST_OK(cache::get(got[2]));
    EXPECT(data[0] == 0 && data[kBlockSize - 1] == 0);  // zeroed
    memset(data, 0xEE, kBlockSize);
    MUST_OK(block_free(got[2]));
    EXPECT(!bit_set(got[2]));
    EXPECT(error_of(block_free(got[2])) == Error::Corrupt);           // a double free
    EXPECT(error_of(block_free(kSuperBlock)) == Error::Corrupt);      // not a data block
    EXPECT(error_of(block_free(sb().nblocks)) == Error::Corrupt);     // past the disk
    uint32_t again = MUST_OK(block_alloc(true));
    data = MUST_OK(cache::get(again));
    EXPECT(bit_set(again) && data[0] == 0 && data[100] == 0);
    uint8_t* bits = MUST_OK(cache::get(sb().bitmap_start));
    static uint8_t saved[kBlockSize];
    memcpy(saved, bits, kBlockSize);
    bool full_ok = check_full_bitmap(bits);
    memcpy(bits, saved, kBlockSize);
    return full_ok;
}

// Whether all of cached block b reads as zeros.
bool all_zero(uint32_t b) {
    Result<uint8_t*> data = cache::get(b);
    if (!data.ok()) return false;
    for (uint32_t i = 0; i < kBlockSize; i++) {
        if (data.value()[i] != 0) return false;
    }
    return true;
}

// Leaves stale bytes in the cached copies of the next `count` free blocks
// (those block_alloc hands out next, from the start of the hint's word
// on), as a block used, then freed, leaves them: a new block then reads as
// zeros only if it was zeroed.
bool leave_stale_bytes_in_free_blocks(int count) {
    uint32_t b = shared()->block_hint / 64 * 64;
    for (int n = 0; n < count && b < sb().nblocks; b++) {
        if (b < sb().data_start || bit_set(b)) continue;
        memset(MUST_OK(cache::get(b, cache::Fill::None)), 0xA5, kBlockSize);
        n++;
    }
    return true;
}

// A map block already on the disk that gets one more entry: /huge's
// indirect block (mkfs wrote it, and nothing has changed it yet) given a
// data block past the file's last one must be marked dirty.
bool check_old_map_block() {
    uint32_t huge = MUST_OK(stat("/huge")).inum;
    Op op;
    MUST_OK(op.check());
    Inode* ip = MUST_OK(inode_get(huge));
    uint32_t indirect = ip->indirect;
    uint64_t past_end = (ip->size + kBlockSize - 1) / kBlockSize;
    EXPECT(in_data(indirect) && past_end > kDirect && past_end < kDirect + kAddrsPerBlock);
    (void)MUST_OK(cache::get(indirect));
    EXPECT(!cached_dirty(indirect));
    uint32_t added = MUST_OK(bmap(ip, past_end, Holes::Fill));
    EXPECT(in_data(added) && reinterpret_cast<uint32_t*>(MUST_OK(cache::get(indirect)))[past_end - kDirect] == added);
    if (!cached_dirty(indirect)) {
        snprintf(why, sizeof(why), "a new entry in an indirect block already on the disk (block %u) is not marked "
                 "dirty: the next commit would lose it", indirect);
        return false;
    }
    return true;
}

bool check_bmap_levels() {
    Op op;
    MUST_OK(op.check());
    uint32_t inum = MUST_OK(inode_alloc(InodeType::File));
    Inode* ip = MUST_OK(inode_get(inum));
    EXPECT(MUST_OK(bmap(ip, 0, Holes::Keep)) == 0);
    if (!leave_stale_bytes_in_free_blocks(32)) return false;
    const uint64_t last = kMaxFileBlocks - 1;
    const uint64_t fbs[] = {0, 11, 12, 1035, 1036, 1036 + 1023, 1036 + 1024, last};
    uint32_t got[8];
    for (int i = 0; i < 8; i++) {
        ip = MUST_OK(inode_get(inum));
        // FillWhole at 0, 12, 1036 and 2060 (the last three make map
        // blocks): only a data block may be left unzeroed.
        got[i] = MUST_OK(bmap(ip, fbs[i], i % 2 == 0 ? Holes::FillWhole : Holes::Fill));
        EXPECT(in_data(got[i]) && bit_set(got[i]));
        if (i % 2 == 1) EXPECT(all_zero(got[i]));  // a new data block under Fill reads as zeros
        for (int j = 0; j < i; j++) EXPECT(got[i] != got[j]);
        ip = MUST_OK(inode_get(inum));
        EXPECT(MUST_OK(bmap(ip, fbs[i], Holes::Keep)) == got[i]);  // found again, not made again
        cache::next_epoch();
    }
    ip = MUST_OK(inode_get(inum));
    EXPECT(ip->direct[0] == got[0] && ip->direct[11] == got[1] && ip->direct[5] == 0);
    EXPECT(MUST_OK(bmap(ip, 13, Holes::Keep)) == 0 && MUST_OK(bmap(ip, 1037, Holes::Keep)) == 0);
    uint32_t indirect = ip->indirect, dbl = ip->double_indirect;
    EXPECT(in_data(indirect) && in_data(dbl));
    auto* a = reinterpret_cast<uint32_t*>(MUST_OK(cache::get(indirect)));
    EXPECT(a[0] == got[2] && a[1023] == got[3] && a[1] == 0 && a[500] == 0);
    auto* d = reinterpret_cast<uint32_t*>(MUST_OK(cache::get(dbl)));
    uint32_t second0 = d[0], second1 = d[1], second_last = d[1023];
    EXPECT(in_data(second0) && in_data(second1) && in_data(second_last) && d[2] == 0);
    EXPECT(reinterpret_cast<uint32_t*>(MUST_OK(cache::get(second0)))[0] == got[4]);
    EXPECT(reinterpret_cast<uint32_t*>(MUST_OK(cache::get(second0)))[1023] == got[5]);
    EXPECT(reinterpret_cast<uint32_t*>(MUST_OK(cache::get(second1)))[0] == got[6]);
    EXPECT(reinterpret_cast<uint32_t*>(MUST_OK(cache::get(second_last)))[1023] == got[7]);
    ip = MUST_OK(inode_get(inum));
    EXPECT(error_of(bmap(ip, kMaxFileBlocks, Holes::Fill)) == Error::TooBig);
    EXPECT(error_of(bmap(ip, ~uint64_t{0} / 2, Holes::Keep)) == Error::TooBig);
    return true;
}

bool check_bmap() { return check_bmap_levels() && check_old_map_block(); }

// Blocks marked in use in the (cached) bitmap.
uint32_t blocks_in_use() {
    uint32_t used = 0;
    for (uint32_t b = 0; b < sb().nblocks; b++) used += bit_set(b) ? 1 : 0;
    return used;
}

// Whether byte range [from, to) of cached block b is all `value`.
bool bytes_are(uint32_t b, uint32_t from, uint32_t to, uint8_t value) {
    Result<uint8_t*> data = cache::get(b);
    if (!data.ok()) return false;
    for (uint32_t i = from; i < to; i++) {
        if (data.value()[i] != value) return false;
    }
    return true;
}

// inode_truncate of /big, which mkfs wrote (its map blocks clean in the
// cache): every map block whose entries change must be marked dirty, or
// the disk keeps naming blocks the bitmap calls free.
bool check_truncate_on_disk() {
    uint32_t inum = MUST_OK(dir_lookup(kRootInode, name_of("big"))).inum;
    Inode* ip = MUST_OK(inode_get(inum));
    EXPECT(ip->size == 2100 * kBlockSize && in_data(ip->indirect) && in_data(ip->double_indirect));
    const uint32_t indirect = ip->indirect, dbl = ip->double_indirect;
    auto* d = reinterpret_cast<uint32_t*>(MUST_OK(cache::get(dbl)));
    const uint32_t second0 = d[0], second1 = d[1];
    EXPECT(in_data(second0) && in_data(second1) && d[2] == 0);
    EXPECT(!cached_dirty(indirect) && !cached_dirty(dbl) && !cached_dirty(second0) && !cached_dirty(second1));
    MUST_OK(inode_truncate(inum, 2060 * kBlockSize + 10));  // second-level block 1 keeps one entry
    EXPECT(cached_dirty(second1) && !cached_dirty(dbl) && !cached_dirty(second0));
    MUST_OK(inode_truncate(inum, 1036 * kBlockSize + 5));   // block 1 goes, block 0 keeps one entry
    EXPECT(cached_dirty(dbl) && cached_dirty(second0) && !bit_set(second1));
    MUST_OK(inode_truncate(inum, 700 * kBlockSize));        // the double level goes, the indirect keeps 688
    EXPECT(cached_dirty(indirect) && !bit_set(dbl) && !bit_set(second0));
    EXPECT(cached_dirty(sb().inode_start + inum / kInodesPerBlock));
    EXPECT(reinterpret_cast<uint32_t*>(MUST_OK(cache::get(indirect)))[700 - kDirect] == 0);
    return true;
}

// inode_truncate on a file mapped at every level: blocks 0, 5, 11 (direct),
// 12, 700, 1035 (indirect), 1036, 2059 (second-level block 0), 2060 (1)
// and 3100 (2), each full of 0x77, cut back level by level.
bool check_truncate() {
    Op op;
    MUST_OK(op.check());
    uint32_t inum = MUST_OK(inode_alloc(InodeType::File));
    const uint64_t fbs[] = {0, 5, 11, 12, 700, 1035, 1036, 2059, 2060, 3100};
    uint32_t got[10];
    for (int i = 0; i < 10; i++) {
        cache::next_epoch();
        got[i] = MUST_OK(bmap(MUST_OK(inode_get(inum)), fbs[i], Holes::FillWhole));
        uint8_t* data = MUST_OK(cache::get(got[i]));
        memset(data, 0x77, kBlockSize);
        cache::mark_dirty(data);
    }
    Inode* ip = MUST_OK(inode_get(inum));
    ip->size = 3101 * kBlockSize;
    inode_dirty(ip);
    const uint32_t indirect = ip->indirect, dbl = ip->double_indirect;
    auto* d = reinterpret_cast<uint32_t*>(MUST_OK(cache::get(dbl)));
    const uint32_t second[3] = {d[0], d[1], d[2]};
    uint32_t used = blocks_in_use();
    // Inside the double-indirect level, 10 bytes into block 2060.
    MUST_OK(inode_truncate(inum, 2060 * kBlockSize + 10));
    EXPECT(MUST_OK(inode_get(inum))->size == 2060 * kBlockSize + 10);
    EXPECT(!bit_set(got[9]) && !bit_set(second[2]) && blocks_in_use() == used - 2);
    d = reinterpret_cast<uint32_t*>(MUST_OK(cache::get(dbl)));
    EXPECT(d[0] == second[0] && d[1] == second[1] && d[2] == 0 && cached_dirty(dbl));
    EXPECT(bytes_are(got[8], 0, 10, 0x77) && bytes_are(got[8], 10, kBlockSize, 0) && cached_dirty(got[8]));
    EXPECT(cached_dirty(sb().bitmap_start));
    // At the start of the double-indirect level: all of it goes.
    MUST_OK(inode_truncate(inum, 1036 * kBlockSize));
    ip = MUST_OK(inode_get(inum));
    EXPECT(ip->double_indirect == 0 && ip->indirect == indirect && ip->size == 1036 * kBlockSize);
    EXPECT(!bit_set(dbl) && !bit_set(second[0]) && !bit_set(second[1]) && !bit_set(got[6]) && !bit_set(got[8]));
    EXPECT(blocks_in_use() == used - 8 && bytes_are(got[5], 0, kBlockSize, 0x77));
    // Inside the indirect level, at block 700: two of its entries go.
    MUST_OK(inode_truncate(inum, 700 * kBlockSize));
    auto* a = reinterpret_cast<uint32_t*>(MUST_OK(cache::get(indirect)));
    EXPECT(a[0] == got[3] && a[700 - kDirect] == 0 && a[1035 - kDirect] == 0 && cached_dirty(indirect));
    EXPECT(!bit_set(got[4]) && !bit_set(got[5]) && blocks_in_use() == used - 10);
    // Inside the direct blocks, 100 bytes into block 5: the indirect level goes.
    MUST_OK(inode_truncate(inum, 5 * kBlockSize + 100));
    ip = MUST_OK(inode_get(inum));
    EXPECT(ip->indirect == 0 && ip->direct[11] == 0 && ip->direct[5] == got[1] && ip->direct[0] == got[0]);
    EXPECT(!bit_set(indirect) && !bit_set(got[2]) && !bit_set(got[3]) && blocks_in_use() == used - 13);
    EXPECT(bytes_are(got[1], 0, 100, 0x77) && bytes_are(got[1], 100, kBlockSize, 0));
    // Growing allocates nothing: a hole, and the old tail reads as zeros.
    MUST_OK(inode_truncate(inum, 4000 * kBlockSize));
    ip = MUST_OK(inode_get(inum));
    EXPECT(ip->size == 4000 * kBlockSize && blocks_in_use() == used - 13);
    const uint64_t holes[] = {6, 12, 1036, 3999};
    for (uint64_t fb : holes) EXPECT(MUST_OK(bmap(ip, fb, Holes::Keep)) == 0);
    uint8_t tail[200];
    EXPECT(MUST_OK(inode_read(inum, 5 * kBlockSize, tail, sizeof tail)) == sizeof tail);
    EXPECT(tail[99] == 0x77 && tail[100] == 0 && tail[199] == 0);
    EXPECT(error_of(inode_truncate(inum, kMaxFileBlocks * kBlockSize + 1)) == Error::TooBig);
    // To nothing.
    MUST_OK(inode_truncate(inum, 0));
    ip = MUST_OK(inode_get(inum));
    EXPECT(ip->size == 0 && ip->direct[0] == 0 && ip->direct[5] == 0 && blocks_in_use() == used - 15);
    return check_truncate_on_disk();
}

// The first block from b on that the cached bitmap says is free.
uint32_t free_from(uint32_t b) {
    while (b < sb().nblocks && bit_set(b)) b++;
    return b;
}

// The hint on a bitmap made by hand (its first block, `bits`, in the
// cache): three free blocks, a low one, a middle one and one near the end,
// each free on the disk too (block_alloc zeroes the cached copy of what it
// hands out).
bool check_hint_on(uint8_t* bits) {
    Shared* s = shared();
    const uint32_t low = free_from(sb().data_start), middle = free_from(low + 190), high = free_from(sb().nblocks - 5);
    EXPECT(middle < sb().nblocks - 100 && high < sb().nblocks);
    memset(bits, 0xFF, kBlockSize);
    const uint32_t free_blocks[] = {low, middle, high};
    for (uint32_t b : free_blocks) bits[b / 8] &= static_cast<uint8_t>(~(1u << b % 8));
    s->block_hint = sb().nblocks - 100;
    EXPECT(MUST_OK(block_alloc(true)) == high);    // the first free block at or after the hint
    EXPECT(MUST_OK(block_alloc(true)) == low);     // past the end: from the start again
    EXPECT(MUST_OK(block_alloc(true)) == middle);  // near the last one
    EXPECT(error_of(block_alloc(true)) == Error::NoSpace);
    MUST_OK(block_free(high));
    MUST_OK(block_free(low));
    EXPECT(MUST_OK(block_alloc(true)) == low);     // a block freed before the hint is used first
    return true;
}

bool check_hint() {
    Op op;
    MUST_OK(op.check());
    EXPECT(sb().nblocks <= kBlockSize * 8);  // one bitmap block
    uint8_t* bits = MUST_OK(cache::get(sb().bitmap_start));
    static uint8_t saved[kBlockSize];
    memcpy(saved, bits, kBlockSize);
    uint32_t hint = shared()->block_hint;
    bool ok = check_hint_on(bits);
    memcpy(MUST_OK(cache::get(sb().bitmap_start)), saved, kBlockSize);
    shared()->block_hint = hint;
    return ok;
}

// The first free inode from `from` on, wrapping past the table's end
// (0 if none), found one inode block per epoch.
uint32_t first_free_inode(uint32_t from) {
    uint32_t n = sb().ninodes;
    for (uint32_t k = 0; k < n; k++) {
        uint32_t inum = (from + k) % n;
        if (inum == 0 || inum == kRootInode) continue;
        cache::next_epoch();
        Result<Inode*> ip = inode_get(inum);
        if (ip.ok() && ip.value()->type == InodeType::Free) return inum;
    }
    return 0;
}

// Whether all of inode ip but its type is zero.
bool blank_but_type(const Inode* ip) {
    Inode want;
    memset(&want, 0, sizeof want);
    want.type = ip->type;
    return memcmp(ip, &want, sizeof want) == 0;
}

// Inode allocation on fsunit's table, where inodes 2 .. 38,5xx are /huge's
// and /dir's files (1,200 inode blocks, more than the cache has slots)
// and the rest are free.
bool check_inodes_on(Shared* s) {
    // A free inode holding a dead file's fields, where the hint points.
    uint32_t stale = first_free_inode(s->inode_hint);
    EXPECT(stale != 0);
    Inode* ip = MUST_OK(inode_get(stale));
    ip->size = 12345, ip->nlink = 3, ip->direct[0] = sb().data_start, ip->indirect = sb().data_start + 1;
    s->inode_hint = stale;
    uint32_t a = MUST_OK(inode_alloc(InodeType::File));
    EXPECT(a == stale);
    ip = MUST_OK(inode_get(a));
    EXPECT(ip->type == InodeType::File && blank_but_type(ip));  // nothing of the dead file
    EXPECT(cached_dirty(sb().inode_start + a / kInodesPerBlock));
    uint32_t next = first_free_inode(a);
    uint32_t b = MUST_OK(inode_alloc(InodeType::Directory));
    EXPECT(b == next);
    EXPECT(b != a && MUST_OK(inode_get(b))->type == InodeType::Directory);
    MUST_OK(inode_free(a));
    ip = MUST_OK(inode_get(a));
    EXPECT(ip->type == InodeType::Free && blank_but_type(ip));
    EXPECT(MUST_OK(inode_alloc(InodeType::File)) == a);  // freed before the hint: the next one
    MUST_OK(inode_free(b));
    EXPECT(error_of(inode_free(b)) == Error::Corrupt);             // a double free
    EXPECT(error_of(inode_free(kRootInode)) == Error::Corrupt);     // never the root
    EXPECT(error_of(inode_free(0)) == Error::Corrupt);
    EXPECT(error_of(inode_free(sb().ninodes)) == Error::Corrupt);  // past the table
    EXPECT(MUST_OK(inode_get(kRootInode))->type == InodeType::Directory);
    // From the table's last inode around to the start: past every used
    // inode, one block at a time, to the first free one.
    uint32_t last = sb().ninodes - 1;
    EXPECT(MUST_OK(inode_get(last))->type == InodeType::Free);
    s->inode_hint = last;
    EXPECT(MUST_OK(inode_alloc(InodeType::File)) == last);
    uint32_t wrapped = first_free_inode(kRootInode + 1);
    EXPECT(MUST_OK(inode_alloc(InodeType::File)) == wrapped && wrapped > kInodesPerBlock * kSlots);
    // A table all in use, with the root (and inode 0) marked free by damage.
    MUST_OK(inode_get(kRootInode))->type = InodeType::Free;
    s->sb.ninodes = 2 * kInodesPerBlock;
    s->inode_hint = 0;
    Result<uint32_t> none = inode_alloc(InodeType::File);
    EXPECT(error_of(none) == Error::NoSpace);
    return true;
}

// An inode mkfs wrote (its block clean in the cache) freed: zeroed, dirty.
bool check_free_on_disk() {
    DirHit dir = MUST_OK(dir_lookup(kRootInode, name_of("dir")));
    uint32_t old = MUST_OK(dir_lookup(dir.inum, name_of("file40"))).inum;
    EXPECT(!cached_dirty(sb().inode_start + old / kInodesPerBlock));
    MUST_OK(inode_free(old));
    EXPECT(cached_dirty(sb().inode_start + old / kInodesPerBlock) && blank_but_type(MUST_OK(inode_get(old))));
    return true;
}

bool check_inodes() {
    Op op;
    MUST_OK(op.check());
    Shared* s = shared();
    uint32_t hint = s->inode_hint, ninodes = s->sb.ninodes;
    bool ok = check_inodes_on(s);
    s->sb.ninodes = ninodes;
    s->inode_hint = hint;
    MUST_OK(inode_get(kRootInode))->type = InodeType::Directory;
    return ok && check_free_on_disk();
}

bool check_lookup() {
    Op op;
    MUST_OK(op.check());
    DirHit dir = MUST_OK(dir_lookup(kRootInode, name_of("dir")));
    EXPECT(MUST_OK(inode_get(dir.inum))->type == InodeType::Directory);
    const int present[] = {0, 5, 57, 61, 62, 69};  // 64 entries per block: ".", "..", then these
    for (int k : present) {
        char name[16];
        snprintf(name, sizeof(name), "file%d", k);
        DirHit hit = MUST_OK(dir_lookup(dir.inum, name_of(name)));
        EXPECT(MUST_OK(inode_get(hit.inum))->size == uint64_t(k) + 1);
        EXPECT(hit.offset % sizeof(DirEntry) == 0);
    }
    const char* const missing_names[] = {"file", "file570", "file70", "fil", "dir"};
    for (const char* missing : missing_names) {
        EXPECT(error_of(dir_lookup(dir.inum, name_of(missing))) == Error::NotFound);
    }
    EXPECT(MUST_OK(dir_lookup(dir.inum, name_of("."))).inum == dir.inum);
    EXPECT(MUST_OK(dir_lookup(dir.inum, name_of(".."))).inum == kRootInode);
    const char* longest = "a_name_of_fifty_nine_bytes_exactly_which_is_kNameMax_bytess";
    EXPECT(strlen(longest) == kNameMax && MUST_OK(dir_lookup(dir.inum, name_of(longest))).inum != 0);
    DirHit file = MUST_OK(dir_lookup(dir.inum, name_of("file1")));
    EXPECT(error_of(dir_lookup(file.inum, name_of("x"))) == Error::NotDirectory);
    // A free entry (inum 0) still holds its old name, and names nothing.
    DirHit three = MUST_OK(dir_lookup(dir.inum, name_of("file3")));
    Inode* dp = MUST_OK(inode_get(dir.inum));
    auto* entries = reinterpret_cast<DirEntry*>(MUST_OK(cache::get(dp->direct[three.offset / kBlockSize])));
    DirEntry& freed = entries[three.offset % kBlockSize / sizeof(DirEntry)];
    freed.inum = 0;
    Result<DirHit> gone = dir_lookup(dir.inum, name_of("file3"));
    freed.inum = three.inum;
    EXPECT(error_of(gone) == Error::NotFound);
    // A directory of more blocks than the cache has slots, all of it
    // scanned for a name it does not hold.
    DirHit huge = MUST_OK(dir_lookup(kRootInode, name_of("huge")));
    EXPECT(MUST_OK(inode_get(huge.inum))->size > uint64_t(kSlots) * kBlockSize);
    EXPECT(error_of(dir_lookup(huge.inum, name_of("nowhere"))) == Error::NotFound);
    EXPECT(MUST_OK(dir_lookup(huge.inum, name_of("f38461"))).inum != 0);
    // Past the directory's size nothing is an entry, and a hole in a
    // directory is corruption.
    Inode* ip = MUST_OK(inode_get(dir.inum));
    uint64_t size = ip->size;
    EXPECT(size % kBlockSize != 0 && size > kBlockSize);
    auto* tail = reinterpret_cast<DirEntry*>(MUST_OK(cache::get(ip->direct[1])) + size % kBlockSize);
    DirEntry saved = *tail;
    tail->inum = file.inum;
    memcpy(tail->name, "ghost", 6);
    Result<DirHit> ghost = dir_lookup(dir.inum, name_of("ghost"));
    *tail = saved;
    EXPECT(error_of(ghost) == Error::NotFound);
    ip = MUST_OK(inode_get(dir.inum));
    uint32_t second = ip->direct[1];
    ip->direct[1] = 0;
    Result<DirHit> hole = dir_lookup(dir.inum, name_of("file69"));
    ip = MUST_OK(inode_get(dir.inum));
    ip->direct[1] = second;
    EXPECT(error_of(hole) == Error::Corrupt);
    return true;
}

// dir_free_slot and dir_is_empty on a directory made here: "." and "..",
// then entries added and freed; and on /huge and a file.
bool check_entries() {
    Op op;
    MUST_OK(op.check());
    uint32_t dir = MUST_OK(inode_alloc(InodeType::Directory));
    EXPECT(MUST_OK(dir_free_slot(dir)) == 0);  // size 0: append at 0
    MUST_OK(dir_put(dir, 0, name_of("."), dir));
    MUST_OK(dir_put(dir, 64, name_of(".."), kRootInode));
    EXPECT(MUST_OK(dir_is_empty(dir)) && MUST_OK(dir_free_slot(dir)) == 128);
    const char* const names[] = {"a", "...", ".x", "b"};
    for (int i = 0; i < 4; i++) MUST_OK(dir_put(dir, 128 + 64 * i, name_of(names[i]), kRootInode));
    EXPECT(MUST_OK(dir_free_slot(dir)) == 384 && !MUST_OK(dir_is_empty(dir)));
    MUST_OK(dir_set(dir, 320, 0));  // "b" freed: the last entry
    MUST_OK(dir_set(dir, 192, 0));  // "..." freed
    EXPECT(MUST_OK(dir_free_slot(dir)) == 192);  // the first free one
    MUST_OK(dir_set(dir, 128, 0));
    EXPECT(MUST_OK(dir_free_slot(dir)) == 128);
    EXPECT(!MUST_OK(dir_is_empty(dir)));  // ".x" is an entry
    MUST_OK(dir_set(dir, 256, 0));
    EXPECT(MUST_OK(dir_is_empty(dir)));  // free entries with old names are nothing
    MUST_OK(dir_put(dir, 192, name_of("..."), kRootInode));
    EXPECT(!MUST_OK(dir_is_empty(dir)));  // "..." is not ".."
    MUST_OK(dir_set(dir, 192, 0));
    MUST_OK(dir_set(dir, 64, 0));           // ".." gone (damage) ...
    MUST_OK(dir_put(dir, 128, name_of("c"), kRootInode));
    EXPECT(!MUST_OK(dir_is_empty(dir)));  // ... and "c": two entries, not empty
    MUST_OK(dir_set(dir, 128, 0));
    MUST_OK(dir_set(dir, 64, kRootInode));
    // Past the size: the block's other slots are not entries.
    Inode* ip = MUST_OK(inode_get(dir));
    auto* entries = reinterpret_cast<DirEntry*>(MUST_OK(cache::get(ip->direct[0])));
    entries[6].inum = kRootInode;
    memcpy(entries[6].name, "ghost", 6);
    EXPECT(MUST_OK(dir_is_empty(dir)) && MUST_OK(dir_free_slot(dir)) == 128);
    // A directory longer than the cache, all in use; a file; a hole.
    DirHit huge = MUST_OK(dir_lookup(kRootInode, name_of("huge")));
    uint64_t size = MUST_OK(inode_get(huge.inum))->size;
    EXPECT(MUST_OK(dir_free_slot(huge.inum)) == size && !MUST_OK(dir_is_empty(huge.inum)));
    DirHit file = MUST_OK(dir_lookup(kRootInode, name_of("dir")));
    file = MUST_OK(dir_lookup(file.inum, name_of("file1")));
    EXPECT(error_of(dir_free_slot(file.inum)) == Error::NotDirectory);
    EXPECT(error_of(dir_is_empty(file.inum)) == Error::NotDirectory);
    MUST_OK(dir_put(dir, 128, name_of("c"), kRootInode));
    MUST_OK(dir_put(dir, kBlockSize, name_of("d"), kRootInode));  // a second block
    ip = MUST_OK(inode_get(dir));
    uint32_t first = ip->direct[0];
    ip->direct[0] = 0;
    Result<uint64_t> hole_slot = dir_free_slot(dir);
    Result<bool> hole_empty = dir_is_empty(dir);
    MUST_OK(inode_get(dir))->direct[0] = first;
    EXPECT(error_of(hole_slot) == Error::Corrupt && error_of(hole_empty) == Error::Corrupt);
    return true;
}

// Reads disk block b into buf (kBlockSize bytes).
bool read_block(uint32_t b, uint8_t* buf) { return disk::read(uint64_t(b) * kSectorsPerBlock, kSectorsPerBlock, buf).ok(); }

// Puts a commit record on the disk by hand: `magic`, `count`, homes.
bool put_record(uint32_t magic, uint32_t count, const uint32_t* homes, uint32_t nhomes) {
    static CommitRecord rec;
    memset(&rec, 0, sizeof rec);
    rec.magic = magic;
    rec.count = count;
    memcpy(rec.home, homes, nhomes * sizeof(uint32_t));
    return disk::write(uint64_t(sb().log_start) * kSectorsPerBlock, 1, &rec).ok();
}

// replay on records that are not exofs's to replay: Corrupt, nothing
// written; then a committed transaction whose replay loses power at every
// sector, each time replayed again: all home blocks new, the log empty.
bool check_replay(const uint32_t* home, const uint8_t* const* data) {
    static uint8_t scratch[kBlockSize], before[kBlockSize], back[kBlockSize];
    static const uint8_t zeros[kBlockSize] = {};
    EXPECT(read_block(kSuperBlock, before));
    for (uint32_t i = 0; i < 3; i++) {
        EXPECT(disk::write(uint64_t(home[i]) * kSectorsPerBlock, kSectorsPerBlock, zeros).ok());
    }
    const uint32_t log_end = sb().log_start + sb().log_blocks;
    const uint32_t bad_homes[] = {kSuperBlock, 0, sb().log_start, log_end - 1, sb().nblocks};
    for (uint32_t bad : bad_homes) {
        const uint32_t homes[2] = {home[0], bad};
        EXPECT(put_record(kLogMagic, 2, homes, 2));
        Result<void> r = journal::replay(sb(), scratch);
        if (error_of(r) != Error::Corrupt) {
            snprintf(why, sizeof(why), "replay of a record with home block %u: %s, not Corrupt", bad,
                     r.ok() ? "ok" : error_name(r.error()));
            return false;
        }
    }
    EXPECT(put_record(kLogMagic, sb().log_blocks, home, 3));  // more blocks than the log holds
    EXPECT(error_of(journal::replay(sb(), scratch)) == Error::Corrupt);
    EXPECT(put_record(0x12345678, 0, home, 0));              // not a record at all
    EXPECT(error_of(journal::replay(sb(), scratch)) == Error::Corrupt);
    EXPECT(read_block(kSuperBlock, back) && memcmp(before, back, kBlockSize) == 0);
    EXPECT(read_block(home[0], back) && memcmp(back, zeros, kBlockSize) == 0);  // nothing written
    // A committed transaction of 3 blocks, its replay cut at every sector.
    for (uint64_t cut = 0; cut <= 26; cut++) {
        for (uint32_t i = 0; i < 3; i++) {
            EXPECT(disk::write(uint64_t(home[i]) * kSectorsPerBlock, kSectorsPerBlock, zeros).ok());
            EXPECT(disk::write(uint64_t(sb().log_start + 1 + i) * kSectorsPerBlock, kSectorsPerBlock, data[i]).ok());
        }
        EXPECT(put_record(kLogMagic, 3, home, 3));
        disk::cut_power_after(cut);
        (void)journal::replay(sb(), scratch);
        disk::cut_power_after(~uint64_t{0});
        MUST_OK(journal::replay(sb(), scratch));
        for (uint32_t i = 0; i < 3; i++) {
            EXPECT(read_block(home[i], back));
            if (memcmp(back, data[i], kBlockSize) != 0) {
                snprintf(why, sizeof(why), "replay cut after %lu sectors, replayed again: block %u not new", cut, i);
                return false;
            }
        }
        EXPECT(disk::read(uint64_t(sb().log_start) * kSectorsPerBlock, 1, scratch).ok());
        EXPECT(reinterpret_cast<CommitRecord*>(scratch)->count == 0);
    }
    // A stale record must never come back: after replay, another replay
    // must find nothing, even once the logged blocks change.
    EXPECT(disk::write(uint64_t(sb().log_start + 1) * kSectorsPerBlock, kSectorsPerBlock, zeros).ok());
    MUST_OK(journal::replay(sb(), scratch));
    EXPECT(read_block(home[0], back) && memcmp(back, data[0], kBlockSize) == 0);
    for (uint32_t i = 0; i < 3; i++) {
        EXPECT(disk::write(uint64_t(home[i]) * kSectorsPerBlock, kSectorsPerBlock, zeros).ok());
    }
    return true;
}

bool check_journal() {
    constexpr uint32_t kCount = 3;
    static uint8_t fresh[kCount][kBlockSize], scratch[kBlockSize], back[kBlockSize], old[kBlockSize],
        junk[kBlockSize];
    memset(old, 0x5A, kBlockSize);   // what the homes hold before the transaction
    memset(junk, 0xEE, kBlockSize);  // what the log holds before it: neither old nor new
    uint32_t home[kCount] = {sb().nblocks - 1, sb().nblocks - 7, sb().nblocks - 3};  // free on a new image
    const uint8_t* data[kCount];
    for (uint32_t i = 0; i < kCount; i++) {
        memset(fresh[i], 0x41 + int(i), kBlockSize);
        data[i] = fresh[i];
    }
    int old_states = 0, new_states = 0;
    // The transaction writes at most 2 * 3 blocks and 2 records: 50 sectors.
    for (uint64_t cut = 0; cut <= 52; cut++) {
        for (uint32_t i = 0; i < kCount; i++) {
            EXPECT(disk::write(uint64_t(home[i]) * kSectorsPerBlock, kSectorsPerBlock, old).ok());
            EXPECT(disk::write(uint64_t(sb().log_start + 1 + i) * kSectorsPerBlock, kSectorsPerBlock, junk).ok());
        }
        disk::cut_power_after(cut);
        Result<void> written = journal::write_transaction(sb(), kCount, home, data);
        bool cut_short = !disk::powered();
        disk::cut_power_after(~uint64_t{0});
        if (!cut_short) {
            MUST_OK(written);
            EXPECT(disk::read(uint64_t(sb().log_start) * kSectorsPerBlock, 1, scratch).ok());
            if (reinterpret_cast<CommitRecord*>(scratch)->count != 0) {
                snprintf(why, sizeof(why), "a transaction that returned left a record of %u blocks to replay",
                         reinterpret_cast<CommitRecord*>(scratch)->count);
                return false;
            }
        }
        MUST_OK(journal::replay(sb(), scratch));
        int olds = 0, news = 0;
        for (uint32_t i = 0; i < kCount; i++) {
            EXPECT(read_block(home[i], back));
            olds += memcmp(back, old, kBlockSize) == 0;
            news += memcmp(back, fresh[i], kBlockSize) == 0;
        }
        if (olds != int(kCount) && news != int(kCount)) {
            snprintf(why, sizeof(why), "power cut after %lu sectors: after replay %d of 3 blocks old, %d new", cut,
                     olds, news);
            return false;
        }
        if (!cut_short && news != int(kCount)) {
            snprintf(why, sizeof(why), "a transaction that returned is not on the disk (%lu sectors allowed)", cut);
            return false;
        }
        (olds == int(kCount) ? old_states : new_states)++;
        EXPECT(disk::read(uint64_t(sb().log_start) * kSectorsPerBlock, 1, scratch).ok());
        EXPECT(reinterpret_cast<CommitRecord*>(scratch)->count == 0);  // replayed and cleared
    }
    EXPECT(old_states > 0 && new_states > 0);
    return check_replay(home, data);
}

struct Check {
    const char* name;
    bool (*run)();
};

// The journal first: it needs no other exercise, and a panic in a later
// check (a cache assertion) ends the program.
constexpr Check kChecks[] = {
    {"journal", check_journal}, {"alloc", check_alloc}, {"hint", check_hint}, {"bmap", check_bmap},
    {"truncate", check_truncate}, {"lookup", check_lookup}, {"entries", check_entries}, {"inodes", check_inodes}};

}  // namespace

int main() {
    if (Result<void> r = disk::claim_ports(); !r.ok()) panic("claim_ports: %s", error_name(r.error()));
    if (Result<void> r = mount(); !r.ok()) panic("mount: %s", error_name(r.error()));
    if (!stat("/dir").ok() || !stat("/huge").ok()) {
        printf("fsunit: this disk lacks /dir and /huge: fsunit needs the tree grade/test_lab5_fs.py gives it "
               "(make grade TEST=fs_unit)\n");
        return 0;
    }
    for (const Check& c : kChecks) {
        why[0] = '\0';
        if (c.run()) {
            printf("fsunit: %s: ok\n", c.name);
        } else {
            printf("fsunit: %s: FAILED %s\n", c.name, why);
        }
    }
    return 0;
}
