// kernel/debug/backtrace.h: stack backtraces over frame pointers.
#pragma once

#include <cstdint>

// Prints "Stack backtrace:" and one line per frame, innermost (backtrace
// itself) first, as GDB's `bt` does:
//
//   #1  rbp ffffffff8010e550  rip ffffffff80108116  test_backtrace+0x36  args 0000000000000000 00000000000b7ace
//
// Everything on a line belongs to one function's frame: rbp is its frame
// base, rip where it is executing (for outer frames: the return address of
// the call it is in), name+offset the function containing rip, and args the
// two words just above its return address ([rbp+16] and [rbp+24]): the
// first stack-passed arguments if it has any, otherwise whatever its
// caller's frame holds there.
void backtrace();

// Prints "Stack backtrace:" and the frames from the one whose base is `rbp`
// and which is executing at `rip` outwards, in the format above.  For a
// trap: the interrupted code's rbp and rip from its TrapFrame, so that
// frame #0 is the function that faulted.
void backtrace_from(uint64_t rbp, uint64_t rip);
