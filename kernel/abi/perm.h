// exolab: lab 3
// kernel/abi/perm.h: the perm bits of the map system call.  A mapping is
// always present, user-accessible and readable; perm adds to that.
#ifndef EXOLAB_ABI_PERM_H
#define EXOLAB_ABI_PERM_H

#define PERM_W 0x1      // writable
#define PERM_X 0x2      // executable (otherwise NX)
#define PERM_COW 0x4    // copy-on-write marker for the libOS (software bit, lab 4)
#define PERM_SHARE 0x8  // shared across fork/spawn (software bit, lab 4)
#define PERM_ALL (PERM_W | PERM_X | PERM_COW | PERM_SHARE)

#ifdef __cplusplus
#include <cstdint>

// One run of the map_runs system call (lab 4): pages [va, va + pages *
// 4096) mapped to frames pfn, pfn + 1, ... with rights perm, each page
// checked as map checks it.
struct MapRun {
    uint64_t va;
    uint64_t pfn;
    uint64_t pages;
    uint64_t perm;
};

inline constexpr uint64_t kMaxMapRuns = 32;     // runs per map_runs call
inline constexpr uint64_t kMaxMapPages = 1024;  // pages per map_runs call, all runs together
#endif

#endif
