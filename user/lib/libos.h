// exolab: lab 3
// user/lib/libos.h: what every user program includes.
//
//   system calls     sys_<name>(...) for each line of kernel/abi/syscalls.def
//   console          printf, vprintf, snprintf, puts
//   strings          memcpy, memset, strlen, strcmp, ... (the kernel's
//                    freestanding kernel/lib/string.cc, compiled in again)
//   ending           exit(status), panic(fmt, ...), assert(cond)
//   errors           result_name(r): "BadAddress" for -BadAddress, "ok" for r >= 0
//   the ABI          Error, the memory layout, the map perm bits
//
// A program defines `int main()` or, from lab 5, `int main(int argc, char**
// argv)` (spawn passes arguments); crt0 calls it and then exit() with the
// value main returns.
#pragma once

#include <cstdint>

#include "abi/error.h"
#include "abi/layout.h"
#include "abi/perm.h"
#include "lib/panic.h"
#include "lib/stdio.h"
#include "lib/string.h"
#include "lib/syscall.h"

// Ends this domain (sys_domain_destroy(0)).  Never returns.  The kernel
// keeps no exit status: before lab 5 `status` goes nowhere; from lab 5 a
// parent's wait (lib/fork.h) gets status & 255 through the file system's
// region (lib/exits.h).
extern "C" [[noreturn]] void exit(int status = 0);

// The status of a domain that panicked (assert included).
inline constexpr int kPanicStatus = 255;

// panic(fmt, ...) and kassert(cond) come from the shared lib/panic.h; in
// user space panic_at (libos.cc) prints "user panic at <file>:<line>:
// <message>" and exits.

// Panics with the text of `condition` if it is false.
#define assert(condition) \
    ((condition) ? (void)0 : panic_at(__FILE__, __LINE__, "assertion failed: %s", #condition))

// The name of a system call's result: "ok" when result >= 0, otherwise the
// Error's name ("BadAddress" for -3).
const char* result_name(int64_t result);
