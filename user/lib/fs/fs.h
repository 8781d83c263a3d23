// exolab: lab 5
// user/lib/fs/fs.h: exofs, the file system of the libOS (DESIGN §3.5).
//
// The file system is this library: every domain that calls mount() maps
// the one shared region (region.h) holding the buffer cache, the journal
// and the open-file table, and runs the operations below itself, under
// the region's lock.  File descriptors are per domain (fd.h); the open
// files they name, with their offsets, are shared.
//
//   the volume       format, mount, unmount, sync
//   files            open, close, read, write, pread, pwrite, seek,
//                    truncate, ftruncate
//   descriptors      dup, dup_into, close_all (fd.h; a child's: lib/fdtable.h)
//   names            unlink, mkdir, rmdir, rename, chdir
//   questions        stat, fstat, readdir
//
// Durability: an operation's effect is in the cache at once, for every
// domain; it reaches the disk, atomically with the operations around it,
// at the next commit (sync, or when the journal fills).  After a crash
// the disk holds the state of the last commit (journal.h).
#pragma once

#include <cstdint>

#include "lib/fs/format.h"
#include "lib/result.h"

namespace exofs {

// ---- the volume ----

// Writes an empty file system on the whole disk: nblocks blocks (at most
// the disk's), ninodes inodes (rounded up to whole blocks), a journal of
// log_blocks blocks: at least 26 + the bitmap's blocks (one per 128 MiB),
// so that the largest operation fits (ops.h: op_reserve), and at most
// kLogMax + 1 (more would not be used).  The volume must not be mounted.
// Errors: InvalidArgument for a layout that does not fit; Busy if
// mounted; IoError; NoMemory (the region).
Result<void> format(uint32_t nblocks, uint32_t ninodes, uint32_t log_blocks);

// Makes the file system on the disk usable by this domain: maps the shared
// region and, unless some domain already mounted it, reads and checks the
// superblock and replays the journal.  Errors: Corrupt (not exofs, or a
// journal too small for the largest operation, as format says); IoError;
// NoMemory.
Result<void> mount();

// Commits everything and forgets the mount (the next mount reads the disk
// again).  For the last domain using the volume.  Errors: IoError.
Result<void> unmount();

// Commits every change made so far to the disk.  Errors: IoError.
Result<void> sync();

// ---- files ----

// Flags of open: at least one of kRead and kWrite.
inline constexpr uint32_t kRead = 1;
inline constexpr uint32_t kWrite = 2;
inline constexpr uint32_t kCreate = 4;     // create the file if it does not exist
inline constexpr uint32_t kTruncate = 8;   // empty it (with kWrite)
inline constexpr uint32_t kAppend = 16;    // every write goes to the end (with kWrite)
inline constexpr uint32_t kExclusive = 32; // with kCreate: Exists if it exists

// Opens the file (or, with kRead alone, the directory) at path, relative to
// the cwd, creating an empty file with kCreate.  Returns the lowest free
// fd; the offset starts at 0.  Errors: NotFound, NotDirectory, NameTooLong,
// Exists (kExclusive), IsDirectory (a directory with kWrite or kCreate of
// "/"), NoSpace, NoMemory (no free fd or open file), InvalidArgument (flags).
Result<int> open(const char* path, uint32_t flags);

// Closes fd; the open file goes when its last fd does, and an unlinked
// file's blocks when its last open file does.  Errors: BadDescriptor.
Result<void> close(int fd);

// Reads up to n bytes at fd's offset and advances it; 0 at the end of the
// file.  Errors: BadDescriptor (not open for reading), IsDirectory, IoError.
Result<uint64_t> read(int fd, void* buf, uint64_t n);

// Writes n bytes at fd's offset (the end with kAppend) and advances it;
// a large write commits in pieces, each atomic.  Returns n, or what was
// written before an error.  Errors: BadDescriptor, NoSpace, TooBig, IoError.
Result<uint64_t> write(int fd, const void* buf, uint64_t n);

// read and write at offset off, leaving fd's offset alone (pwrite writes
// at off even with kAppend).  Errors: as read and write.
Result<uint64_t> pread(int fd, void* buf, uint64_t n, uint64_t off);
Result<uint64_t> pwrite(int fd, const void* buf, uint64_t n, uint64_t off);

enum class Whence { Set, Cur, End };

// Moves fd's offset to off from the start, the offset or the end; past the
// end is allowed (a write there leaves a hole).  Returns the new offset.
// Errors: BadDescriptor; InvalidArgument for a negative result.
Result<uint64_t> seek(int fd, int64_t off, Whence whence);

// Sets the size of the file at path (or of fd, open for writing).
// Errors: as open; IsDirectory; TooBig; BadDescriptor.
Result<void> truncate(const char* path, uint64_t size);
Result<void> ftruncate(int fd, uint64_t size);

// ---- descriptors ----

// A new fd (the lowest free) for fd's open file, sharing its offset.
// Errors: BadDescriptor; NoMemory.
Result<int> dup(int fd);

// Makes the closed fd `to` name fd's open file, one ref more (io::dup2
// is the interface: it closes what `to` named, whatever its kind).
// Errors: BadDescriptor (fd not open, `to` out of range); Busy when `to`
// is open.
Result<void> dup_into(int fd, int to);

// Closes every fd of this domain.  The libOS's exit should call it: the
// open files of a domain that ends without closing stay counted, and the
// shared table (kOpenFiles) fills.  Errors: IoError.
Result<void> close_all();

// What the libOS's exit() calls: close_all, unless this domain is ending
// inside an operation (a panic with the region's lock held), when closing
// would wait for itself forever; then nothing is done, and the lock stays
// held (every other domain that uses the file system then waits).
void close_all_at_exit();

// ---- names ----

// Removes the file name at path.  Errors: NotFound, NotDirectory,
// IsDirectory (use rmdir), NameTooLong.
Result<void> unlink(const char* path);

// Creates an empty directory.  Errors: Exists, NotFound (parent),
// NotDirectory, NameTooLong, NoSpace.
Result<void> mkdir(const char* path);

// Removes an empty directory.  Errors: NotEmpty, NotDirectory, NotFound,
// InvalidArgument for a last component "." or "..", Busy for the root.
Result<void> rmdir(const char* path);

// Renames from to to, across directories too; a file at `to` is replaced.
// Errors: NotFound; InvalidArgument (moving a directory into its own
// subtree, "." or ".." or the root as either name); IsDirectory (a file
// onto a directory); NotDirectory (a directory onto a file); Exists (a
// directory onto a directory); NoSpace; NameTooLong.
Result<void> rename(const char* from, const char* to);

// Makes path this domain's cwd.  Errors: NotFound, NotDirectory.
Result<void> chdir(const char* path);

// ---- questions ----

struct Stat {
    InodeType type;
    uint16_t nlink;
    uint32_t inum;
    uint64_t size;
};

// What path (or fd) names.  Errors: as open; BadDescriptor.
Result<Stat> stat(const char* path);
Result<Stat> fstat(int fd);

// The next used entry of the directory open at fd (kRead), advancing the
// offset past it; false at the end.  Errors: BadDescriptor, NotDirectory.
Result<bool> readdir(int fd, DirEntry* entry);

}  // namespace exofs
