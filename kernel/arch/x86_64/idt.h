// exolab: lab 2
// kernel/arch/x86_64/idt.h: the interrupt descriptor table: 256 gates, one
// per vector, each naming the code a trap on that vector enters.
#pragma once

#include <cstdint>

namespace idt {

// Which privilege levels may raise a vector with INT n / INT3 / INTO: a
// gate's DPL.  Exceptions and hardware interrupts ignore it.
enum class Dpl : uint8_t {
    Kernel = 0,  // INT n from user mode raises #GP instead
    User = 3,    // user code may use INT n on this vector
};

// Interrupt-stack-table slots (tss.ist[n - 1]); 0 = stay on the current
// stack (or switch to rsp0 when coming from user mode).
inline constexpr uint8_t kNoIst = 0;
inline constexpr uint8_t kDoubleFaultIst = 1;

// Fills the table with trap.asm's stubs (exceptions 0..31, IRQ vectors
// 32..47 and the spurious vector 255; the rest not present, so an INT n on
// them raises #GP with the gate in the error code) and loads IDTR.  Vector 3 (breakpoint) is Dpl::User, so
// that INT3 in user mode reaches the breakpoint handler; vector 8 (double
// fault) runs on IST1, a stack of its own, so that a kernel stack overflow
// is still reported.  Every other gate is Dpl::Kernel.
void init();

// Points `vector` at `entry` (the address of assembly code that saves a
// TrapFrame, e.g. a system-call gate in lab 3), as a 64-bit interrupt gate:
// the CPU clears IF on entry, so the kernel always runs with interrupts off.
// `ist` is kNoIst or an IST slot 1..7 set up in the TSS.  Takes effect at
// once (the IDT is not copied by the CPU).
void set_gate(uint8_t vector, uint64_t entry, Dpl dpl, uint8_t ist = kNoIst);

}  // namespace idt
