// exolab: lab 5
// user/lib/fs/cache.cc: the buffer cache (see cache.h).
#include "lib/fs/cache.h"

#include "lib/fs/disk.h"
#include "lib/fs/journal.h"

namespace exofs::cache {

bool detail::holding = false;

namespace {

constexpr uint32_t kBucketMask = kBuckets - 1;

// Makes every hash chain empty.
void empty_chains(Shared* s) {
    for (uint32_t b = 0; b < kBuckets; b++) s->buckets[b] = -1;
}

// Removes slot i from its hash chain.
void unlink_slot(Shared* s, uint32_t i) {
    int16_t* link = &s->buckets[s->slots[i].block & kBucketMask];
    while (*link != static_cast<int16_t>(i)) {
        kassert(*link >= 0);
        link = &s->slots[*link].next;
    }
    *link = s->slots[i].next;
}

// Picks a slot for a new block: a free one, or the first clean, unpinned
// slot the clock hand finds without its referenced bit, unlinked from its
// chain.  Two turns of the hand clear every bit, so a third means every
// slot is dirty or pinned: the reserves of cache.h were broken (a bug).
uint32_t evict(Shared* s) {
    for (uint32_t turn = 0; turn < 3 * kSlots; turn++) {
        uint32_t i = s->hand;
        s->hand = (i + 1) % kSlots;
        CacheSlot& slot = s->slots[i];
        if (slot.block == 0) return i;
        if (slot.dirty || slot.epoch == s->epoch) continue;
        if (slot.referenced) {
            slot.referenced = 0;
            continue;
        }
        unlink_slot(s, i);
        slot.block = 0;
        return i;
    }
    panic("exofs: every cache slot is dirty or pinned");
}

#if SOL >= 5
// Puts every slot that holds a block on its hash chain again, rebuilt from
// nothing: a domain that died inside get may have left a chain half-linked.
void rebuild_chains(Shared* s) {
    empty_chains(s);
    for (uint32_t i = 0; i < kSlots; i++) {
        CacheSlot& kept = s->slots[i];
        if (kept.block == 0) continue;
        kept.next = s->buckets[kept.block & kBucketMask];
        s->buckets[kept.block & kBucketMask] = static_cast<int16_t>(i);
    }
}

// Undoes what the operation of a domain that died holding the lock (taken
// in epoch s->lock_epoch) may have left: every slot it touched (changed,
// perhaps, without being marked dirty yet) and every dirty slot (the
// running transaction, which holds its half-made changes) is dropped, to
// be read again from the disk; and a commit it was writing is finished
// by replay, or, if the disk fails, the volume is left unmounted.
void undo_dead_operation(Shared* s) {
    for (CacheSlot& suspect : s->slots) {
        if (suspect.dirty || suspect.epoch >= s->lock_epoch) suspect = CacheSlot{0, -1, 0, 0, 0, 0};
    }
    rebuild_chains(s);
    s->txn_count = 0;
    if (!s->mounted) return;
    if (!journal::settle().ok()) s->mounted = 0;
}
#endif

}  // namespace

void lock() {
    Shared* s = shared();
    uint32_t self = region_self();
#if SOL >= 5
    for (;;) {
        uint32_t holder = 0;
        if (__atomic_compare_exchange_n(&s->lock, &holder, self, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) break;
        if (!region_alive(holder) &&
            __atomic_compare_exchange_n(&s->lock, &holder, self, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
            undo_dead_operation(s);
            break;
        }
        region_yield();
    }
#else
    // LAB 5: Exercise 7. Contract in cache.h.  As given, a domain that dies
    // holding the lock blocks every other domain forever.  Threats: the
    // holder may have died anywhere in an operation (inside get, between
    // changing a block and marking it dirty, in the middle of a commit's
    // disk writes); two domains may find the same dead holder at once, and
    // only one may take the lock over and undo; a live holder is only
    // waited for.  Undone, the cache may hold nothing the dead operation
    // made (a commit would write it to the disk, and fsck would find it)
    // and must stay a cache of the disk as the journal leaves it.
    uint32_t unheld = 0;
    while (!__atomic_compare_exchange_n(&s->lock, &unheld, self, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
        unheld = 0;
        region_yield();
    }
#endif
    detail::holding = true;
    s->epoch++;
    s->lock_epoch = s->epoch;
}

void reset() {
    Shared* s = shared();
    empty_chains(s);
    for (uint32_t i = 0; i < kSlots; i++) s->slots[i] = CacheSlot{0, -1, 0, 0, 0, 0};
    s->txn_count = 0;
    s->log_unsettled = 0;
    s->hand = 0;
    s->epoch = 1;
}

Result<uint8_t*> get_slow(uint32_t block, Fill fill) {
    Shared* s = shared();
    if (block == 0 || block >= s->sb.nblocks) return Error::Corrupt;
    int16_t* chain = &s->buckets[block & kBucketMask];
    for (int16_t* link = chain; *link >= 0; link = &s->slots[*link].next) {
        int16_t i = *link;
        CacheSlot& slot = s->slots[i];
        if (slot.block != block) continue;
        // To the front of its chain: the next get of it is get's inline hit.
        *link = slot.next;
        slot.next = *chain;
        *chain = i;
        slot.referenced = 1;
        slot.epoch = s->epoch;
        if (fill == Fill::Zero) zero_bytes(block_data(i), kBlockSize);
        return block_data(i);
    }
    uint32_t i = evict(s);
    uint8_t* data = block_data(i);
    if (fill == Fill::Read) {
        TRY(disk::read(uint64_t(block) * kSectorsPerBlock, kSectorsPerBlock, data));
    } else if (fill == Fill::Zero) {
        zero_bytes(data, kBlockSize);
    }
    CacheSlot& slot = s->slots[i];
    slot = CacheSlot{block, *chain, 0, 1, s->epoch, 0};
    *chain = static_cast<int16_t>(i);
    return data;
}

uint8_t* scratch() { return block_data(evict(shared())); }

void mark_dirty(const void* p) {
    Shared* s = shared();
    uint64_t offset = reinterpret_cast<uint64_t>(p) - reinterpret_cast<uint64_t>(block_data(0));
    uint32_t i = static_cast<uint32_t>(offset / kBlockSize);
    kassert(offset < uint64_t(kSlots) * kBlockSize && s->slots[i].block != 0);
    if (s->slots[i].dirty) return;
    kassert(s->txn_count < s->log_cap);
    s->slots[i].dirty = 1;
    s->txn[s->txn_count++] = static_cast<uint16_t>(i);
}

}  // namespace exofs::cache
