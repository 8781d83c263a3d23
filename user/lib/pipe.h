// exolab: lab 5
// user/lib/pipe.h: pipes over the file system's shared region (DESIGN §3.5).
//
// A pipe is a ring of kPipeBytes (lib/fs/shared.h: PipeRing) in the PERM_SHARE
// region every domain using the file system maps, and two open files of the
// shared table, the read end and the write end, so fork, spawn, dup and
// close treat them as any fd (lib/io.h).  Under the region's lock a reader
// takes what is in the ring and a writer adds what fits; one that can do
// nothing gives the CPU away: to the domain at the other end when that is
// its ancestor or descendant (a directed yield), else to the root
// scheduler.  It never spins out its slice.
//
//   empty ring, a write end still open somewhere   the reader waits
//   empty ring, no write end open                  read returns 0 (EOF)
//   no read end open                               write fails: BrokenPipe
#pragma once

#include <cstdint>

#include "lib/result.h"

namespace io {

// Makes a pipe: fds[0] its read end, fds[1] its write end (the two lowest
// free fds).  Errors: IoError (the file system is not mounted); NoMemory
// (no free pipe, open file or fd).
Result<void> pipe(int fds[2]);

// For io::read and io::write on a pipe's end (see io.h).
Result<uint64_t> pipe_read(int fd, void* buf, uint64_t n);
Result<uint64_t> pipe_write(int fd, const void* buf, uint64_t n);

// Frees pipe `index` if neither of its ends is open any more.  Called by
// io::close, under the lock, when an end loses its last ref.
void pipe_release(uint32_t index);

}  // namespace io
