// exolab: lab 5
// user/lib/fs/fd.h: file descriptors.
//
// Two levels, as in Unix:
//
//   fd (per domain: Files)           ->  OpenFile (shared region: kind,
//   Files::fd[fd] = index + 1            inode, mode, offset, refs)
//
// The open-file table is in the shared region, so an offset is shared by
// every fd that names the entry, in any domain; refs counts those fds.  A
// domain's Files (fds and cwd) are its alone to use, but in QEMU they too
// live in the region, at fd_tables[its id] (shared.h), so that another
// domain can close them if it dies (io::reclaim_dead_files).  A child gets
// its table from its creator (io::give_files), counted in refs before it
// can run.  All of these run under the region's lock (fs.cc takes it).
#pragma once

#include <cstdint>

#include "lib/fs/shared.h"
#include "lib/result.h"

namespace exofs {

namespace detail {
extern Files* current_files;
Files* own_files();
}

// The running domain's Files: the one set_files chose, else its own: in
// QEMU with the region attached fd_tables[its id] (region_fd_table), else
// a private one.  The host tests switch between several to act as several
// domains over one region; io::reclaim_dead_files acts as the dead domain.
inline Files* files() { return detail::current_files != nullptr ? detail::current_files : detail::own_files(); }
void set_files(Files* f);  // nullptr: back to its own

// This domain's table in the region (fd_tables[its id]); nullptr on the
// host, whose domains keep theirs private.  region.cc, host_region.cc.
Files* region_fd_table();

// LAB 5: Exercise 9 (part 1).  f is the fd table a new child is about to
// get, before it can run: a forked child's copy of this domain's, or the
// table spawn gives (every entry f names is also named by one of this
// domain's fds).  Counts each open fd of f once more in its open file's
// refs, so that refs is again the number of fds naming the entry in all
// domains together.  Does nothing in a domain without the file system's
// region.  Takes the lock.
void share_files(const Files& f);

// LAB 5: Exercise 9 (part 2).  Undoes share_files(f) for a child that
// will never run (a fork or a spawn that failed after sharing): each open
// fd of f counts once less.  This domain still holds its own fds, so no
// entry loses its last ref here.  Does nothing without the region.  Takes
// the lock.
void unshare_files(const Files& f);

// ---- for fs.cc, under the lock ----

// The open file fd names.  Errors: BadDescriptor.
inline Result<OpenFile*> fd_get(int fd) {
    const Files* f = files();
    if (fd < 0 || fd >= kMaxFds || f->fd[fd] == 0) return Error::BadDescriptor;
    return &shared()->files[f->fd[fd] - 1];
}

// A free fd and a free open-file entry, checked before anything changes:
// fd_install then fills them.  Errors: NoMemory.
struct FdSlot {
    int fd;
    uint32_t file;
};
Result<FdSlot> fd_reserve();

// Makes slot.fd name slot.file, a new open file of one ref.
void fd_install(FdSlot slot, FileKind kind, uint32_t inum, uint32_t mode);

// The lowest free fd of this domain.  Errors: NoMemory.
Result<int> fd_lowest_free();

// Makes fd `to` name the open file `from` names, one ref more.
void fd_attach(int to, int from);

// Clears fd (open); returns its open file when that lost its last ref
// (kind still set, for the caller to finish), else nullptr.
OpenFile* fd_detach(int fd);

// Whether some open file (of any domain) is inode inum.
bool inode_is_open(uint32_t inum);

}  // namespace exofs
