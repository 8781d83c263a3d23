// exolab: lab 5
// user/lib/fdtable.h: each domain's fd table in the file system's region,
// from a child's birth to after its death (DESIGN §3.5).
//
// In QEMU a domain's Files live at fd_tables[its id] in the region,
// fd_owner[id] naming the domain (its region_self(): id and generation):
//
//   creator: give_files(child, f)    row = f, owner = child, refs counted
//   child:   exofs::files()          its row, found by its own id
//   anyone:  reclaim_dead_files()    a row whose owner died: every fd closed
//                                    as the owner would have (io::close),
//                                    then the row is free
//
// So a domain killed with fds open (a pipe's writer, say) does not keep
// its open files for ever: the next domain to wait on a pipe, or to give
// that id's row to a new child, closes them, and the pipe's reader sees
// EOF.  A domain without the region keeps private fds (fd.h).
#pragma once

#include <cstdint>

#include "lib/fs/shared.h"
#include "lib/result.h"

namespace io {

// Makes f child `dom`'s fd table, counting each of its fds in its open
// file's refs (exofs::share_files), before dom can run; first closes what
// a dead earlier holder of the id left there.  f's entries must be named
// by this domain's fds too.  Also records dom as this domain's child for
// its exit status (exits::expect): what a creator leaves in the region
// for its child, all given here.  Nothing without the region.
// Errors: InvalidArgument (dom is no domain id), NoMemory (no exit record).
Result<void> give_files(uint64_t dom, const exofs::Files& f);

// Undoes give_files for a child that will never run: the counts go back
// (exofs::unshare_files), the row is free and the exit record forgotten.
void take_back_files(uint64_t dom);

// Closes the fds of every domain that died with its fd table in the
// region, each as io::close would for it (a pipe end's last close is the
// reader's EOF).  Another domain may be doing it at the same time: each
// table is closed once.  Nothing without the region.
void reclaim_dead_files();

}  // namespace io
