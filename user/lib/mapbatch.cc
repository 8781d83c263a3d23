// exolab: lab 4
// user/lib/mapbatch.cc: many mappings in few system calls (see mapbatch.h).
#include "lib/mapbatch.h"

#include "lib/syscall.h"

namespace {
constexpr uint64_t kPage = 4096;
}  // namespace

int64_t MapBatch::add(uint64_t va, uint64_t pfn, uint64_t perm, bool give_up) {
    if (pages_ == kMaxMapPages || (give_up && given_up_count_ == kMaxGivenUp)) {
        if (int64_t r = flush(); r < 0) return r;
    }
    MapRun* last = count_ > 0 ? &runs_[count_ - 1] : nullptr;
    bool follows = last != nullptr && last->perm == perm && last->va + last->pages * kPage == va && last->pfn + last->pages == pfn;
    if (!follows && count_ == kMaxMapRuns) {
        if (int64_t r = flush(); r < 0) return r;
    }
    if (follows) {
        last->pages++;
    } else {
        runs_[count_++] = MapRun{va, pfn, 1, perm};
    }
    pages_++;
    if (give_up) given_up_[given_up_count_++] = pfn;
    return 0;
}

int64_t MapBatch::flush() {
    int64_t r = count_ > 0 ? sys_map_runs(dom_, runs_, count_) : 0;
    for (uint64_t i = 0; i < given_up_count_; i++) (void)sys_frame_free(given_up_[i]);
    count_ = pages_ = given_up_count_ = 0;
    return r < 0 ? r : 0;
}
