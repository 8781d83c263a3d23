// kernel/debug/backtrace.cc: walking the chain of saved frame pointers.
//
// The kernel is compiled with -fno-omit-frame-pointer, so every function
// begins with "push rbp; mov rbp, rsp".  Each frame therefore looks like:
//
//          higher addresses
//   +-----------------------------+
//   | stack argument 2            |  rbp + 24   (7th+ integer arguments and
//   | stack argument 1            |  rbp + 16    structs of more than 16 bytes
//   +-----------------------------+              travel on the stack; the
//   | return address              |  rbp + 8     first six travel in registers)
//   | caller's saved rbp  --------+--> the caller's frame, the same shape
//   +-----------------------------+  <- rbp
//   | this function's locals      |
//          lower addresses
//
// boot.asm sets rbp = 0 and pushes a zero return address before it jumps
// to kmain (kmain is never called), which ends the chain.
// Walking outwards, the frame at rbp belongs to the function executing at
// rip; that function's caller is executing at the return address
// ([rbp + 8]) and owns the frame at the saved rbp ([rbp]).
#include "debug/backtrace.h"

#include "abi/layout.h"
#include "arch/x86_64/cpu.h"
#include "debug/symbols.h"
#include "lib/kprintf.h"

namespace {

constexpr int kMaxFrames = 64;

// True if `rbp` can be a kernel frame pointer: not null, 8-aligned and in
// the kernel half.  A coarse guard: it stops a walk at a chain's end (0)
// and at words that are no kernel address, but a chain corrupted into
// another kernel-half address is followed (and may fault there).
bool plausible_frame(uint64_t rbp) { return rbp != 0 && rbp % 8 == 0 && rbp >= kPhysmapBase; }

// Prints one frame: its number, its base `rbp`, the address `rip` it is
// executing at, the function containing rip (name+offset), and the first
// two stack words above the frame's return address.  For outer frames rip
// is a return address, the byte after a call: the call itself (rip - 1)
// names the function, which matters when the call was a function's last
// instruction (a call to a function that never returns).
void print_frame(int number, uint64_t rbp, uint64_t rip, uint64_t arg1, uint64_t arg2) {
    char name[128];
    symbols::Location where;
    if (symbols::lookup(number == 0 ? rip : rip - 1, &where)) {
        where.offset += number == 0 ? 0 : 1;
        symbols::demangle(where.name, name, sizeof(name));
        kprintf("  #%-2d rbp %016lx  rip %016lx  %s+0x%lx  args %016lx %016lx\n", number, rbp, rip, name,
                where.offset, arg1, arg2);
    } else {
        kprintf("  #%-2d rbp %016lx  rip %016lx  <unknown>  args %016lx %016lx\n", number, rbp, rip, arg1, arg2);
    }
}

}  // namespace

// Contract in backtrace.h.  The stack is memory like any other: a chain
// that is corrupted, or a walk started from wrong values, must end the walk
// rather than fault (in lab 1 a fault resets the machine; from lab 2 on it
// recurses into the trap report) or loop forever.
void backtrace_from(uint64_t rbp, uint64_t rip) {
    kprintf("Stack backtrace:\n");
#if SOL >= 1
    for (int number = 0; number < kMaxFrames && plausible_frame(rbp); number++) {
        auto* frame = reinterpret_cast<const uint64_t*>(rbp);
        print_frame(number, rbp, rip, frame[2], frame[3]);
        rip = frame[1];
        rbp = frame[0];
    }
#else
    // LAB 1: Exercise 3. Print the frames from the one whose base is `rbp`
    // and which executes at `rip` outwards, #0 first, one print_frame() line
    // each, as backtrace.h specifies.  Read no word of a frame that
    // plausible_frame() rejects, and print at most kMaxFrames frames.
    (void)rbp, (void)rip, (void)print_frame, (void)plausible_frame, (void)kMaxFrames;
#endif
}

// backtrace() itself is frame #0: its own rbp, and a rip inside it.
void backtrace() { backtrace_from(cpu::read_rbp(), cpu::read_rip()); }
