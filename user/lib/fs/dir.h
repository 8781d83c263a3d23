// exolab: lab 5
// user/lib/fs/dir.h: directories (dir.cc) and path names (path.cc), inside
// the running operation.  Each that reads a whole directory (dir_lookup,
// dir_free_slot, dir_is_empty, and the path functions through dir_lookup)
// may renew the epoch (cache.h); dir_put and dir_set touch one entry.
#pragma once

#include <cstdint>

#include "lib/fs/format.h"
#include "lib/fs/shared.h"
#include "lib/result.h"

namespace exofs {

// ---- dir.cc ----

// A directory entry found: the inode it names and the entry's byte offset.
struct DirHit {
    uint32_t inum;
    uint64_t offset;
};

// Looks `name` up in directory dir.  Errors: NotFound; NotDirectory if dir
// is not a directory; Corrupt; IoError.
Result<DirHit> dir_lookup(uint32_t dir, Name name);

// The offset of dir's first free entry (inum 0), or dir's size when
// none is free (dir_put then appends).  Changes nothing.  Errors:
// NotDirectory; Corrupt; IoError.
Result<uint64_t> dir_free_slot(uint32_t dir);

// Writes the entry (name, inum) at offset off of dir (from dir_free_slot);
// appending may allocate a block.  Reserve: write_reserve(1).  Errors:
// NoSpace; Corrupt; IoError.
Result<void> dir_put(uint32_t dir, uint64_t off, Name name, uint32_t inum);

// Points the entry at offset off of dir at inum (inum 0: frees the entry).
Result<void> dir_set(uint32_t dir, uint64_t off, uint32_t inum);

// Whether directory dir holds no entry in use but "." and "..".
// Errors: NotDirectory; Corrupt; IoError.
Result<bool> dir_is_empty(uint32_t dir);

// Whether name is "." or "..".
bool is_dot_or_dotdot(Name name);

// ---- path.cc ----

// The inode path names: absolute, or relative to directory cwd; repeated
// slashes are one; "." and ".." as in any directory.  Errors: NotFound
// (also for ""); NotDirectory when a component but the last is not a
// directory; NameTooLong for a component over kNameMax bytes.
Result<uint32_t> path_walk(const char* path, uint32_t cwd);

// The directory holding path's last component, and that component (len 0
// when path is only slashes: "/").  Errors: as path_walk;
// NotDirectory when the parent is not a directory.
struct PathParent {
    uint32_t dir;
    Name last;
};
Result<PathParent> path_parent(const char* path, uint32_t cwd);

}  // namespace exofs
