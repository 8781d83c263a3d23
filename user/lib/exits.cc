// exolab: lab 5
// user/lib/exits.cc: exit statuses in the region (see exits.h).
#include "lib/exits.h"

#include "abi/domain.h"
#include "lib/fs/ops.h"
#include "lib/fs/region.h"
#include "lib/fs/shared.h"
#include "lib/libos.h"

namespace exits {
namespace {

using exofs::ExitRecord;
using exofs::kExitRecords;
using exofs::kNoStatus;

uint64_t word_of(uint32_t child, uint32_t status) { return child | static_cast<uint64_t>(status) << 32; }
uint32_t child_of(uint64_t word) { return static_cast<uint32_t>(word); }
uint32_t status_of(uint64_t word) { return static_cast<uint32_t>(word >> 32); }

// This domain's oldest record of child id dom, or nullptr.
ExitRecord* find(uint32_t self, uint64_t dom) {
    ExitRecord* oldest = nullptr;
    for (ExitRecord& r : exofs::shared()->exits) {
        if (__atomic_load_n(&r.parent, __ATOMIC_ACQUIRE) != self) continue;
        if ((child_of(__atomic_load_n(&r.word, __ATOMIC_ACQUIRE)) & 0xFFFF) != dom) continue;
        if (oldest == nullptr || static_cast<int32_t>(r.order - oldest->order) < 0) oldest = &r;
    }
    return oldest;
}

}  // namespace

Result<void> expect(uint64_t dom) {
    if (!exofs::attached()) return {};
    if (dom == 0 || dom >= MAX_DOMAINS) return Error::InvalidArgument;
    uint32_t self = exofs::region_self();
    for (ExitRecord& r : exofs::shared()->exits) {
        uint32_t parent = __atomic_load_n(&r.parent, __ATOMIC_ACQUIRE);
        if (parent != 0 && exofs::region_alive(parent)) continue;
        // Free, or its parent died without collecting: take it.  Who
        // takes it is decided by the one exchange of `parent`.
        if (!__atomic_compare_exchange_n(&r.parent, &parent, self, false, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
            continue;
        }
        r.order = __atomic_fetch_add(&exofs::shared()->exit_order, 1, __ATOMIC_RELAXED);
        __atomic_store_n(&r.word, word_of(exofs::region_self_of(dom), kNoStatus), __ATOMIC_RELEASE);
        return {};
    }
    return Error::NoMemory;
}

void forget(uint64_t dom) {
    if (!exofs::attached()) return;
    if (ExitRecord* r = find(exofs::region_self(), dom); r != nullptr) {
        __atomic_store_n(&r->parent, 0u, __ATOMIC_RELEASE);
    }
}

void record(int code) {
    if (!exofs::attached()) return;
    uint64_t running = word_of(exofs::region_self(), kNoStatus);
    uint64_t ended = word_of(exofs::region_self(), static_cast<uint32_t>(code) & 0xFF);
    // A record whose parent died may be taken for another child as this
    // runs: the exchange writes only a word that still names this domain.
    for (ExitRecord& r : exofs::shared()->exits) {
        uint64_t expected = running;
        if (__atomic_compare_exchange_n(&r.word, &expected, ended, false, __ATOMIC_RELEASE, __ATOMIC_RELAXED)) return;
    }
}

void forget_all() {
    if (!exofs::attached()) return;
    uint32_t self = exofs::region_self();
    for (ExitRecord& r : exofs::shared()->exits) {
        uint32_t mine = self;  // only a record that is this domain's
        (void)__atomic_compare_exchange_n(&r.parent, &mine, 0u, false, __ATOMIC_RELEASE, __ATOMIC_RELAXED);
    }
}

int64_t collect(uint64_t dom) {
    if (!exofs::attached() || dom == 0 || dom >= MAX_DOMAINS) return -static_cast<int64_t>(Error::NoSuchDomain);
    ExitRecord* r = find(exofs::region_self(), dom);
    if (r == nullptr) return -static_cast<int64_t>(Error::NoSuchDomain);
    while (exofs::region_alive(child_of(__atomic_load_n(&r->word, __ATOMIC_ACQUIRE)))) exofs::region_yield();
    uint32_t status = status_of(__atomic_load_n(&r->word, __ATOMIC_ACQUIRE));
    __atomic_store_n(&r->parent, 0u, __ATOMIC_RELEASE);
    return status == kNoStatus ? kKilled : status;
}

}  // namespace exits
