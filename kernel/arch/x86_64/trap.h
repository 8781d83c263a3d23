// exolab: lab 2
// kernel/arch/x86_64/trap.h: exceptions and interrupts: the saved state of
// a trap (TrapFrame), the C++ side of the entry path, and the handlers
// through which higher layers decide what an exception means: the kernel's
// fault report (debug/trap_report.h) and, from lab 3, the domains' user
// faults (domain/fault.cc).
//
// A trap enters through the IDT (idt.h) at a stub in trap.asm that pushes
// the vector (and a zero error code where the CPU pushes none); the common
// entry saves every general-purpose register, swaps GS if the trap came
// from user mode, and calls trap_dispatch(frame).  When trap_dispatch
// returns, the entry restores the registers from the frame (which the C++
// code may have changed) and returns with IRETQ.
#pragma once

#include <cstddef>
#include <cstdint>

// The state saved by a trap, from the lowest address up:
//
//   higher addresses                  pushed by
//  +----------------------+  <- the stack before the trap, aligned down to 16
//  | ss                   |  168   the CPU
//  | rsp                  |  160   the CPU
//  | rflags               |  152   the CPU
//  | cs                   |  144   the CPU
//  | rip                  |  136   the CPU
//  | error_code           |  128   the CPU (vectors 8, 10-14, 17, 21, 29, 30), else the stub: 0
//  | vector               |  120   the stub
//  | rax                  |  112   trap_common: rax first ...
//  | rbx rcx rdx rsi rdi  |   72
//  | rbp                  |   64
//  | r8 ... r14           |    8
//  | r15                  |    0   ... r15 last  <- TrapFrame* (16-byte aligned)
//  +----------------------+
//
// The CPU pushes ss and rsp in 64-bit mode even when the privilege level
// does not change, so every frame has all five.  trap.asm hard-codes the
// offsets of vector, rip and cs (TF_VECTOR, TF_RIP, TF_CS): keep them in
// step with the static_asserts below.
struct TrapFrame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector;
    uint64_t error_code;
    uint64_t rip, cs, rflags, rsp, ss;
};
static_assert(sizeof(TrapFrame) == 22 * 8);
static_assert(sizeof(TrapFrame) % 16 == 0, "trap.asm calls C++ with rsp = frame, which must stay 16-aligned");
static_assert(offsetof(TrapFrame, vector) == 120 && offsetof(TrapFrame, rip) == 136 &&
              offsetof(TrapFrame, cs) == 144, "trap.asm's TF_VECTOR, TF_RIP and TF_CS");

// Called by trap.asm for every trap, with interrupts off, on the kernel
// stack: TSS rsp0 for a trap from user mode, IST1 for a double fault, the
// interrupted stack otherwise.  `frame` is the saved state; whatever it
// holds when this returns is what IRETQ resumes.
extern "C" void trap_dispatch(TrapFrame* frame);

// Restores the registers in `frame` and resumes it with IRETQ, swapping GS
// first if it returns to user mode.  The way into user mode for the first
// time (lab 3).  The frame is trusted: callers make sure cs/ss are the user
// selectors (gdt.h), rflags has IF/IOPL as intended and rip is canonical
// (an IRETQ that faults does so in the kernel, with GS already swapped).
// The current kernel stack is abandoned.
extern "C" [[noreturn]] void trap_return(const TrapFrame* frame);

namespace trap {

// Exception vectors (Intel SDM vol. 3A §6.3.1, table 6-1) named in the code.
inline constexpr uint8_t kDivideError = 0;
inline constexpr uint8_t kBreakpoint = 3;
inline constexpr uint8_t kInvalidOpcode = 6;
inline constexpr uint8_t kDoubleFault = 8;
inline constexpr uint8_t kGeneralProtection = 13;
inline constexpr uint8_t kPageFault = 14;
inline constexpr uint8_t kExceptionCount = 32;
// The legacy PIC's IRQs 0..15 arrive on vectors 32..47 (pic.h).
inline constexpr uint8_t kIrqBase = 32;
inline constexpr uint8_t kIrqCount = 16;
// Reserved for the local APIC's spurious-interrupt vector (lab 4).
inline constexpr uint8_t kSpuriousVector = 255;

// The vectors for which the CPU pushes an error code (trap.asm pushes a
// zero for all others): bit v set for vector v.
inline constexpr uint32_t kVectorsWithErrorCode =
    (1u << 8) | (1u << 10) | (1u << 11) | (1u << 12) | (1u << 13) | (1u << 14) | (1u << 17) | (1u << 21) |
    (1u << 29) | (1u << 30);

// What a higher layer does with an exception (vectors 0-31, and any other
// that is not an IRQ): `frame` is the saved state, `fault_address` CR2 for
// a page fault (read before anything else could fault), else 0.  Called
// with interrupts off, on the kernel stack, GS already the kernel's.  When
// it returns, trap_dispatch resumes whatever `frame` then holds; a user
// handler must leave a user context there (trap_dispatch asserts so).
using ExceptionHandler = void (*)(TrapFrame& frame, uint64_t fault_address);

// Registers the handlers of exceptions raised in kernel mode and in user
// mode, then loads the GDT and TSS (gdt::init), the IDT (idt::init), and
// remaps and masks the legacy PICs (pic::init).  Interrupts stay disabled.
// Call once, early in kmain; a fault before it resets the machine (a triple
// fault).
void init(ExceptionHandler kernel_exceptions, ExceptionHandler user_exceptions);

// Replaces the user-mode handler (domain::init does, in lab 3).
void set_user_exception_handler(ExceptionHandler handler);

#if LAB >= 4
// What a higher layer does with an IRQ once it is acknowledged (the timer's
// end of a slice, lab 4).  `frame` is the interrupted state: user code, or
// the kernel's idle loop.  The handler may switch domains and not return.
using IrqHandler = void (*)(TrapFrame& frame);

// Makes `handler` run for each IRQ `irq` (0..15) after it is counted.
void set_irq_handler(unsigned irq, IrqHandler handler);
#endif

// True if `frame` was saved while the CPU ran in user mode (CS RPL 3).
inline bool from_user(const TrapFrame& frame) { return (frame.cs & 3) == 3; }

// The readable name of exception `vector` ("page fault"); "reserved" for
// unused exception vectors and "interrupt" for vectors 32 and up.
const char* exception_name(uint64_t vector);

// How many times IRQ `irq` (0..15) has arrived and been acknowledged, and
// how many spurious interrupts (PIC IRQ 7/15 spurious, or kSpuriousVector).
uint64_t irq_count(unsigned irq);
uint64_t spurious_count();

// Page-fault error code bits (SDM vol. 3A §4.7).
inline constexpr uint64_t kPfPresent = 1 << 0;        // 0: the page was not present; 1: a protection violation
inline constexpr uint64_t kPfWrite = 1 << 1;          // the access was a write
inline constexpr uint64_t kPfUser = 1 << 2;           // the access was made in user mode
inline constexpr uint64_t kPfReservedBit = 1 << 3;    // a paging entry had a reserved bit set
inline constexpr uint64_t kPfInstruction = 1 << 4;    // an instruction fetch (reported only with NX or SMEP on)
inline constexpr uint64_t kPfProtectionKey = 1 << 5;
inline constexpr uint64_t kPfShadowStack = 1 << 6;

// Selector error code bits (#TS, #NP, #SS, #GP; SDM vol. 3A §6.13).
inline constexpr uint64_t kSelExternal = 1 << 0;  // raised while delivering an external event
inline constexpr uint64_t kSelIdt = 1 << 1;       // the index is an IDT vector
inline constexpr uint64_t kSelLdt = 1 << 2;       // else: GDT (0) or LDT (1)

}  // namespace trap
