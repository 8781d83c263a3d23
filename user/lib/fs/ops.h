// exolab: lab 5
// user/lib/fs/ops.h: what fs.cc and names.cc share: the lock guard of an
// operation and the end of an inode's life.
#pragma once

#include <cstdint>

#include "lib/fs/cache.h"
#include "lib/fs/inode.h"
#include "lib/fs/journal.h"
#include "lib/fs/shared.h"
#include "lib/result.h"

namespace exofs {

// The journal reserve of a namespace operation: at most the blocks of
// rename replacing a file (two directory blocks, an append to a directory,
// a ".." entry, four inodes) and a truncate.  A journal must hold it
// (mount refuses a smaller one, format will not write one).
inline uint32_t op_reserve(const SuperBlock& sb) { return 20 + trunc_reserve(sb); }

// Whether this domain has mounted (or inherited the mount of) the volume.
bool attached();

// One operation: holds the region's lock from construction to destruction
// (if this domain has the region at all).
class Op {
public:
    Op() : held_(attached()) {
        if (held_) cache::lock();
    }
    ~Op() {
        if (held_) cache::unlock();
    }
    Op(const Op&) = delete;
    Op& operator=(const Op&) = delete;

    // Checks the volume is mounted.  Errors: IoError when it is not.
    Result<void> check() const {
        if (!held_ || !shared()->mounted) return Error::IoError;
        return {};
    }

    // Checks the volume is mounted and begins a journal operation that
    // dirties at most `reserve` blocks.  Errors: those of check and
    // journal::begin_op.
    Result<void> begin(uint32_t reserve) const {
        TRY(check());
        return journal::begin_op(reserve);
    }

    // begin with the reserve of a namespace operation (fs.cc's op_reserve).
    Result<void> begin() const { return begin(held_ ? shared()->op_reserve : 0); }

private:
    bool held_;
};

// Frees inode inum and its blocks if no entry names it (nlink 0) and no
// open file refers to it.  Within an operation of op_reserve.
Result<void> release_if_unused(uint32_t inum);

// At the first mount, when no file is open anywhere: frees each inode that
// no entry names (nlink 0), an unlinked file that was still open when the
// machine stopped, and commits.  Errors: Corrupt; IoError.
Result<void> reclaim_orphans();

}  // namespace exofs
