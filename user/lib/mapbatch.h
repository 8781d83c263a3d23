// exolab: lab 4
// user/lib/mapbatch.h: many mappings in few system calls (map_runs,
// DESIGN §3.2, §8).
//
// A MapBatch collects the pages to map into one domain, joining a page to
// the run before it when both its address and its frame follow on, and
// makes them with one map_runs call per kMaxMapRuns runs.  A frame added
// with give_up = true is this domain's and goes to the other domain: once
// mapped there it is given up (frame_free), so it is freed with that
// domain's mapping rather than staying this domain's until it exits.
#pragma once

#include <cstdint>

#include "abi/perm.h"

class MapBatch {
public:
    explicit MapBatch(uint64_t dom) : dom_(dom) {}

    // Queues frame pfn at va with rights perm; makes the queued mappings
    // first if the batch is full.  Returns 0 or the -Error of that flush.
    int64_t add(uint64_t va, uint64_t pfn, uint64_t perm, bool give_up = false);

    // Makes every queued mapping (map_runs), then gives up the frames
    // queued with give_up.  Returns 0 or -Error; either way the batch is
    // empty afterwards, and a given-up frame is given up whether or not it
    // was mapped (so a failed fork or spawn frees it with the child).
    int64_t flush();

private:
    static constexpr uint64_t kMaxGivenUp = 64;
    uint64_t dom_;
    MapRun runs_[kMaxMapRuns];
    uint64_t count_ = 0, pages_ = 0;
    uint64_t given_up_[kMaxGivenUp];
    uint64_t given_up_count_ = 0;
};
