// exolab: lab 5
// user/lib/fs/cache.h: the buffer cache, kSlots disk blocks in the shared
// region (shared.h), found by block number in O(1) through a hash index.
//
// Pinning by epoch: a pointer cache::get returns stays valid until the next
// cache::next_epoch(), because eviction passes over every slot touched in
// the current epoch (and over dirty slots, which wait for the commit).  An
// operation renews the epoch only where it holds no cache pointer (between
// the blocks of a read or write, between the entries of a path), so an
// epoch touches a handful of blocks and the cache never runs out.
// Functions that renew the epoch say so; pointers the caller held before
// such a call must be fetched again after it.
//
// Eviction is the clock algorithm (an approximation of LRU): a hit sets the
// slot's referenced bit at the cost of one store; the hand clears bits
// until it finds a clean, unpinned slot whose bit is clear.
//
// The lock: one per region, taken around each whole file-system operation
// (fs.cc); a domain that finds it taken gives the CPU away (region_yield),
// and one that finds its holder dead takes it over (lock).
#pragma once

#include <cstdint>

#include "lib/fs/shared.h"
#include "lib/result.h"

namespace exofs::cache {

// What get does with a block that is not in the cache.
enum class Fill {
    Read,   // read it from the disk
    Zero,   // a new block: zeroed in the cache, never read (also on a hit)
    None,   // the caller overwrites all of it: contents undefined
};

namespace detail {
extern bool holding;  // this domain holds the lock (private memory: per domain)
}

// Takes the region's lock for this domain, giving the CPU away
// (region_yield) while another domain holds it, and starts a new epoch.
// A domain may die holding the lock (killed, or a fault it had no handler
// for), in the middle of an operation: then lock takes the lock over and
// first undoes what that operation may have left behind, so that the
// cache and the disk are as after some sequence of whole operations.
// What is lost is the running transaction (every domain's operations
// since the last commit), as after a power failure.
void lock();

// Releases the lock.
inline void unlock() {
    detail::holding = false;
    __atomic_store_n(&shared()->lock, 0, __ATOMIC_RELEASE);
}

// Whether this domain holds the lock: it is inside an operation.
inline bool held_here() { return detail::holding; }

// Empties the cache (every slot free, index empty).  Only at mount, with
// no transaction running.
void reset();

// Starts a new epoch: every pointer from get becomes void (cache.h above).
inline void next_epoch() { shared()->epoch++; }

// get's slow path: any hit but the first slot of the chain, and misses.
Result<uint8_t*> get_slow(uint32_t block, Fill fill);

// The data of disk block `block` (0 < block < nblocks), in the cache and
// pinned for this epoch.  Errors: Corrupt for a block number out of range
// (it came from the disk), IoError from the disk.  Inline, the usual hit
// (the first slot on its hash chain) costs no call: a free slot (block 0)
// is on no chain, and a block out of range is never cached.
inline Result<uint8_t*> get(uint32_t block, Fill fill = Fill::Read) {
    Shared* s = shared();
    int16_t i = s->buckets[block & (kBuckets - 1)];
    if (i >= 0 && s->slots[i].block == block && fill != Fill::Zero) {
        s->slots[i].referenced = 1;
        s->slots[i].epoch = s->epoch;
        return block_data(static_cast<uint32_t>(i));
    }
    return get_slow(block, fill);
}

// A kBlockSize buffer for the journal's replay: the data of a slot made
// free (never a dirty or pinned one), valid until the next get.
uint8_t* scratch();

// Marks the cache block holding `p` (a pointer into a block that get
// returned) changed in the running transaction; it stays in the cache,
// unwritten, until the transaction commits (journal.h).  The caller's
// journal reserve guarantees room in the log.
void mark_dirty(const void* p);

}  // namespace exofs::cache
