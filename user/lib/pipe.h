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

// LAB 5: Exercise 10 (part 1).  io::read on a pipe's read end fd.  Takes
// up to n bytes from the ring, in the order they were written, into buf:
// whatever is there, at least one byte (it does not wait for n).  With the
// ring empty it waits, giving the CPU away (wait_for: never spinning out
// its slice), until a byte arrives or no write end is open anywhere any
// more: then it returns 0 (EOF), but only once the ring is empty.  n == 0
// returns 0 at once.  Errors: BadDescriptor (fd is not a pipe's read
// end); IoError.
Result<uint64_t> pipe_read(int fd, void* buf, uint64_t n);

// LAB 5: Exercise 10 (part 2).  io::write on a pipe's write end fd.  Puts
// all n bytes into the ring (byte number c of the pipe, counting from 0,
// at data[c % kPipeBytes]; tail counts the bytes written, head those
// read), as many as fit at a time, waiting (giving the
// CPU away) whenever it is full, so any n goes through a ring of
// kPipeBytes.  Returns n; if the last read end closes first, what was
// written before (or BrokenPipe if nothing was).  Errors: BrokenPipe (no
// read end open anywhere); BadDescriptor (fd is not a pipe's write end);
// IoError.
Result<uint64_t> pipe_write(int fd, const void* buf, uint64_t n);

// Frees pipe `index` if neither of its ends is open any more.  Called by
// io::close, under the lock, when an end loses its last ref.
void pipe_release(uint32_t index);

}  // namespace io
