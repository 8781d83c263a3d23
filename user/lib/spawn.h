// exolab: lab 5
// user/lib/spawn.h: start a program from the file system in a new child
// domain (DESIGN §3.5).
//
// spawn does in the libOS what the kernel's loader does for init: it reads
// the ELF file through exofs, checks it by the loader's rules, and builds
// the child's address space with frames of its own (each filled through a
// scratch mapping, mapped into the child, then given up so that it is freed
// with the child).  It adds what a libOS child needs:
//
//   USTACK_TOP            +------------------------------+
//                         | argv strings                 |
//                         | (pad to 16)                  |
//                         | 0, 0     auxv: AT_NULL       |
//                         | 0        envp: empty         |
//                         | 0        argv[argc]          |
//                         | argv[0] .. argv[argc-1]      |
//   rsp (16-aligned) ---> | argc                         |
//                         | ... 4 stack pages in all     |
//                         +------------------------------+
//
// plus the file system's shared region (region_share_with), its fd table
// given in that region (lib/fdtable.h), and a page at kInheritPage that
// says "spawned", which the child's libos_main reads and unmaps before main.  The
// child's registers are set with domain_set_context before it first runs:
// it never runs the context domain_create gave it (the caller's).
#pragma once

#include <cstdint>

#include "lib/fs/fd.h"
#include "lib/result.h"

// Where spawn leaves a child's inherited state, and its magic.
inline constexpr uint64_t kInheritPage = 0x00007EFFFC000000;
inline constexpr uint64_t kInheritMagic = 0x54495245484e4958ull;  // "XINHERIT"

struct Inherited {
    uint64_t magic;  // kInheritMagic
};

// The most arguments, and the most bytes of argument strings, spawn passes.
inline constexpr int kMaxArgs = 64;
inline constexpr uint64_t kMaxArgBytes = 3072;

// LAB 5: Exercise 8.  Lays out a spawned program's arguments in `page`,
// PAGE_SIZE bytes of this domain's that will become the child's page at
// child address page_va (the top page of its stack), as the picture above
// shows; the page's bytes are anything on entry (never assume zeros).
// argv is nullptr-terminated, or nullptr for no arguments; it is not
// trusted: at most kMaxArgs arguments and kMaxArgBytes bytes of strings
// (each counted with its NUL), else InvalidArgument with the page left as
// it was.  page_va must be a page-aligned user page, the whole page below
// USER_TOP, else InvalidArgument.  Returns the child's initial rsp: a child
// address inside the page, a multiple of 16 (System V), where argc lies,
// then argv[0..argc-1] (child addresses of NUL-terminated copies of the
// strings, inside the page), a null pointer, an empty envp (one null
// pointer) and an auxv of AT_NULL alone (two zero words).  No byte outside
// the page is written, and nothing the words hold overlaps the strings.
Result<uint64_t> lay_out_arguments(uint8_t* page, uint64_t page_va, const char* const* argv);

// Starts the program at `path` in a new runnable child domain with the
// arguments argv (nullptr-terminated; argv[0] is the program's name).  A
// path without "/" is looked up in /bin.  The child's fds: with fds ==
// nullptr a copy of this domain's whole fd table; else exactly three,
// child fd i naming what this domain's fd fds[i] names (-1: closed).
// Returns the child's id (wait() for it as for fork).  On a malformed
// program *why (if given) says what is wrong.  Errors: NotFound (no such
// file), IsDirectory, InvalidArgument (not a valid program: *why; too
// many or too long arguments: lay_out_arguments), BadDescriptor (a bad fd
// in fds), NoMemory, IoError.  Nothing is left behind on an error.
Result<uint64_t> spawn(const char* path, const char* const* argv, const int* fds = nullptr,
                       const char** why = nullptr);

// In a spawned child, before main: takes over the inherited state (mounts
// the shared region, where its fd table already is) and unmaps its page.
// Does nothing in a domain the kernel started.
void spawn_inherit();
