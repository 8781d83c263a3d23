// exolab: lab 5
// user/lib/fs/shared.h: the layout of exofs's shared region (region.h) and
// the small helpers every part of the file system uses.
//
// Everything a domain must agree on with the others is in Shared: the lock,
// the mounted superblock, the buffer cache's index, the running
// transaction, the open-file table and every domain's fd table (so that
// the fds of a domain that died can be closed by another).
#pragma once

#include <cstddef>
#include <cstdint>

#include "lib/fs/format.h"
#include "lib/fs/region.h"
#include "lib/result.h"

namespace exofs {

inline constexpr uint32_t kSlots = 512;           // cache blocks: 2 MiB
inline constexpr uint32_t kBuckets = 1024;        // hash chains, a power of two
inline constexpr uint32_t kOpenFiles = 128;       // open files, all domains together
inline constexpr uint64_t kRegionMagic = 0x5245474f46584500ull;  // "\0EXFOGER"

// One cache slot's bookkeeping; its data is block_data(i).
struct CacheSlot {
    uint32_t block;     // disk block held; 0: the slot is free
    int16_t next;       // next slot on the same hash chain, -1: end
    uint8_t dirty;      // changed in the running transaction (listed in txn)
    uint8_t referenced; // touched since the clock hand last passed
    uint32_t epoch;     // the epoch it was last touched in (cache.h: pinned)
    uint32_t reserved;
};
static_assert(sizeof(CacheSlot) == 16);

// What an open file is: an inode, the console, or one end of a pipe
// (inum: the pipe's index in Shared::pipes).  lib/io.h dispatches on it.
enum class FileKind : uint32_t { None = 0, Inode = 1, Console = 2, PipeRead = 3, PipeWrite = 4 };

inline constexpr uint32_t kPipes = 32;           // pipes, all domains together
inline constexpr uint32_t kPipeBytes = 4096 - 32; // a pipe's ring

// One pipe (lib/pipe.h): a ring of kPipeBytes in the shared region.  The
// reader and writer ends are open files (files[rd_file], files[wr_file]);
// the ring is free again when both have lost their last ref.  head and
// tail count bytes ever read and written (tail - head is what is in it).
struct PipeRing {
    uint32_t used;
    uint32_t rd_file, wr_file;
    uint16_t reader, writer;  // the domain that last read / wrote: who to yield to
    uint64_t head, tail;
    uint8_t data[kPipeBytes];
};
static_assert(sizeof(PipeRing) == 4096);

// The names spawn gave the domains it made (for ps): names[id].
inline constexpr uint32_t kNameDomains = 64;
inline constexpr uint32_t kNameLen = 24;

// A domain's fd table (fd.h): which open file each fd names, and the cwd.
inline constexpr int kMaxFds = 32;
struct Files {
    uint16_t fd[kMaxFds];  // index into Shared::files + 1; 0: closed
    uint32_t cwd;          // the cwd's inode; 0: the root
};

// Shared::fd_owner[id] when no domain's fds are in fd_tables[id], and
// while a domain closes a dead one's (io::reclaim_dead_files).
inline constexpr uint32_t kNoOwner = 0;
inline constexpr uint32_t kReclaiming = 1u << 31;  // id 0: never a live domain

// A child's exit status on its way to its parent (lib/exits.h).
inline constexpr uint32_t kExitRecords = 128;
inline constexpr uint32_t kNoStatus = 0xFFFFFFFF;  // the child has not called exit
struct ExitRecord {
    uint32_t parent;  // region_self() of the creator, who alone waits; 0: free
    uint32_t order;   // Shared::exit_order when made: one id's records go oldest first
    uint64_t word;    // the child's region_self_of in bits 0-31, its status in
                      // bits 32-63 (kNoStatus until it exits): one word, so
                      // that the child's store and a reuse never mix
};

// OpenFile::mode's bit for a directory, so that read and write need not
// look at the inode to refuse one.
inline constexpr uint32_t kModeDirectory = 1u << 16;

// One open file (fd.h): shared by every fd that refers to it, in any domain.
struct OpenFile {
    FileKind kind;
    uint32_t refs;      // fds (all domains) naming this entry
    uint32_t inum;
    uint32_t mode;      // the kRead/kWrite/kAppend bits of open (fs.h), kModeDirectory
    uint64_t offset;
};
static_assert(sizeof(OpenFile) == 24);

struct Shared {
    uint64_t magic;           // kRegionMagic once initialised
    volatile uint32_t lock;   // region_self() of the domain inside an operation; 0: none
    uint32_t mounted;
    SuperBlock sb;
    uint32_t log_cap;         // blocks one transaction may hold
    uint32_t piece_blocks;    // blocks one write piece may touch (fs.cc)
    uint32_t op_reserve;      // the reserve of a namespace operation
    uint32_t epoch;           // cache.h
    uint32_t lock_epoch;      // the epoch the lock's holder took it in
    uint32_t hand;            // the clock hand of eviction
    uint32_t block_hint;      // where block allocation scans from
    uint32_t inode_hint;      // where inode allocation scans from
    uint32_t txn_count;       // slots dirty in the running transaction
    uint32_t log_unsettled;   // a commit failed: its record may be on the disk (journal.h)
    uint16_t txn[kLogMax];    // ... and which, in the order they got dirty
    int16_t buckets[kBuckets];
    CacheSlot slots[kSlots];
    OpenFile files[kOpenFiles];
    char names[kNameDomains][kNameLen];  // spawn's program names by domain id
    Files fd_tables[kNameDomains];       // each domain's fds, by domain id (fd.h)
    uint32_t fd_owner[kNameDomains];     // region_self() of the domain whose fds
                                         // fd_tables[id] holds; kNoOwner, kReclaiming
    ExitRecord exits[kExitRecords];
    uint32_t exit_order;                 // ExitRecord::order of the next record
    PipeRing pipes[kPipes];
};

inline constexpr uint64_t kPage = 4096;
inline constexpr uint64_t kHeaderPages = (sizeof(Shared) + kPage - 1) / kPage;
inline constexpr uint64_t kRegionPages = kHeaderPages + kSlots;
static_assert(sizeof(Shared) == 152960 && kHeaderPages == 38 && kRegionPages == 550,
              "handouts/lab5-fs.md section 6.1 draws the region with these sizes: change the drawing with them");

// The region, once mount (or format) has attached it.
inline Shared* shared() { return reinterpret_cast<Shared*>(kFsRegion); }

// The data of cache slot i.
inline uint8_t* block_data(uint32_t i) {
    return reinterpret_cast<uint8_t*>(kFsRegion + (kHeaderPages + i) * kPage);
}

// Copies n bytes, 8 at a time (rep movsq, which -icount counts once per 8
// bytes, not once per byte as rep movsb), then the rest byte by byte.
inline void copy_bytes(void* dst, const void* src, uint64_t n) {
    uint64_t words = n >> 3, rest = n & 7;
    asm volatile("rep movsq" : "+D"(dst), "+S"(src), "+c"(words) : : "memory");
    asm volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(rest) : : "memory");
}

// Sets n bytes to zero, 8 at a time, then the rest.
inline void zero_bytes(void* dst, uint64_t n) {
    uint64_t words = n >> 3, rest = n & 7;
    asm volatile("rep stosq" : "+D"(dst), "+c"(words) : "a"(0ull) : "memory");
    asm volatile("rep stosb" : "+D"(dst), "+c"(rest) : "a"(0ull) : "memory");
}

// A name inside a path: len bytes at p, not NUL-terminated.
struct Name {
    const char* p;
    uint32_t len;
};

}  // namespace exofs
