// exolab: lab 5
// user/lib/io.h: one file-descriptor interface over files, pipes and the
// console (DESIGN §3.5).
//
// An fd names a shared open file (lib/fs/fd.h) whose kind says what it is:
//
//   Inode      a file or directory of exofs       exofs::read/write/close
//   Console    the serial console                 sys_cgetc / sys_cputs
//   PipeRead   the read end of a pipe             lib/pipe.h
//   PipeWrite  the write end of a pipe            lib/pipe.h
//
// read, write and close here dispatch on the kind, so a program need not
// know what its fds 0, 1 and 2 are: the shell's redirections and pipelines
// hand it a file, a pipe or the console.  Without the file system's region
// (a program that never mounted and inherited none) fd 0 reads the console
// and fds 1 and 2 write it, and every other fd is BadDescriptor.
#pragma once

#include <cstdint>

#include "lib/fs/shared.h"
#include "lib/result.h"

namespace io {

// Reads up to n bytes: from a file at its offset; from a pipe or the
// console what is there, waiting (giving the CPU away) until at least one
// byte is.  Returns 0 at the end of a file, or of a pipe whose writers are
// all closed.  Errors: BadDescriptor (not open, or not for reading);
// IsDirectory; IoError.
Result<uint64_t> read(int fd, void* buf, uint64_t n);

// Writes all n bytes (a pipe waits for room).  Returns n, or what was
// written before an error.  Errors: BadDescriptor; BrokenPipe (a pipe
// with no reader left); NoSpace; TooBig; IoError.
Result<uint64_t> write(int fd, const void* buf, uint64_t n);

// LAB 5: Exercise 9 (part 3).  Closes fd: this domain's fd no longer
// names its open file, which loses one ref.  The open file ends with its
// last ref (of all domains): an inode's (an unlinked file is then freed),
// a pipe end's (the ring is freed once neither end is open anywhere).
// Errors: BadDescriptor (fd not open, or the implicit console of a domain
// without the file system's region, which is never closed); IoError.
Result<void> close(int fd);

// LAB 5: Exercise 9 (part 4).  Makes `to` name fd's open file, one ref
// more, closing what `to` named first (whatever its kind).  dup2(fd, fd)
// changes nothing.  Returns to.  Errors: BadDescriptor (fd not open, or
// `to` outside [0, kMaxFds)), with nothing changed.
Result<int> dup2(int fd, int to);

// A new fd, the lowest free, naming fd's open file.  Errors:
// BadDescriptor; NoMemory.
Result<int> dup(int fd);

// What fd names.  Errors: BadDescriptor.
Result<exofs::FileKind> kind(int fd);

// Makes fds 0, 1 and 2 the console (one open file, three refs): init does
// this after mounting; children inherit them.  Errors: IoError (not
// mounted); NoMemory; Busy if fd 0, 1 or 2 is open already.
Result<void> open_console();

// Says that fds 0, 1 and 2 are this domain's standard input, output and
// error (spawn_inherit calls it in a spawned child; open_console implies
// it): printf then writes to fd 1.  A program the kernel started that
// opens files without this keeps printing to the console, whatever fd 1 is.
void use_standard_fds();

// Closes every fd of this domain, through close (pipes released), unless
// the domain ends inside a file-system operation (see
// exofs::close_all_at_exit).  The libOS's exit calls it.
void close_all_at_exit();

// printf's output: to fd 1 when this domain's fds are standard
// (use_standard_fds) and it is not inside a file-system operation (fd 1
// closed, or an error, loses the output, as in Unix), else straight to the
// console (sys_cputs).
void write_stdout(const char* bytes, uint64_t n);

}  // namespace io
