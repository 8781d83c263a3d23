// exolab: lab 5
// user/lib/fs/cache.cc: the buffer cache (see cache.h).
#include "lib/fs/cache.h"

#include "lib/fs/disk.h"

namespace exofs::cache {

bool detail::holding = false;

namespace {

constexpr uint32_t kBucketMask = kBuckets - 1;

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

}  // namespace

void reset() {
    Shared* s = shared();
    for (uint32_t b = 0; b < kBuckets; b++) s->buckets[b] = -1;
    for (uint32_t i = 0; i < kSlots; i++) s->slots[i] = CacheSlot{0, -1, 0, 0, 0, 0};
    s->txn_count = 0;
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
