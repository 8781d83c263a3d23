// exolab: lab 2
// kernel/arch/x86_64/gdt.h: the kernel's global descriptor table and its
// task-state segment (one CPU).
//
// In 64-bit mode segmentation is almost gone: code segments only choose the
// privilege level and 64-bit operation, data segments are flat.  What the
// GDT still decides is the set of selectors that SYSCALL/SYSRET and IRETQ
// load, and where the TSS is.  The TSS in turn gives the CPU the kernel
// stack to switch to on a trap from user mode (rsp0), the separate stacks
// of the interrupt-stack table (IST1: double fault), and the I/O-permission
// bitmap that decides which ports user mode may touch.
//
//   selector  index  descriptor
//   0x00      0      null
//   0x08      1      kernel code   DPL0, L=1      <- STAR[47:32] (SYSCALL: CS = 0x08, SS = 0x10)
//   0x10      2      kernel data   DPL0           <- STAR[63:48] (SYSRET:  SS = 0x10 + 8, CS = 0x10 + 16)
//   0x1B      3      user data     DPL3           (SS after SYSRET, RPL 3)
//   0x23      4      user code     DPL3, L=1      (CS after SYSRET, RPL 3)
//   0x28      5, 6   TSS (a 16-byte system descriptor)
//
// SYSRET to 64-bit code loads CS from STAR[63:48] + 16 and SS from
// STAR[63:48] + 8, both with RPL 3; hence user data sits just before user
// code.  (A 32-bit SYSRET would load CS from STAR[63:48] itself: exolab has
// no 32-bit user code and never executes one.)
#pragma once

#include <cstdint>

namespace gdt {

// Segment selectors: (index << 3) | table indicator (0 = GDT) | RPL.
inline constexpr uint16_t kKernelCode = 0x08;
inline constexpr uint16_t kKernelData = 0x10;
inline constexpr uint16_t kUserData = 0x18 | 3;
inline constexpr uint16_t kUserCode = 0x20 | 3;
inline constexpr uint16_t kTss = 0x28;

// The value for the STAR MSR (cpu::kMsrStar) that makes SYSCALL and SYSRET load
// the selectors above: bits 47:32 = kernel CS, bits 63:48 = the base from
// which SYSRET derives user SS (+8) and CS (+16).  Bits 31:0 are unused in
// 64-bit mode.
inline constexpr uint64_t kStarValue = (uint64_t{kKernelData | 3} << 48) | (uint64_t{kKernelCode} << 32);
static_assert(((kStarValue >> 48) + 8) == kUserData && ((kStarValue >> 48) + 16) == kUserCode,
              "SYSRET must land on the user data and user code descriptors");

// The operand of LGDT and LIDT: the table's size in bytes minus one and its
// linear address.
struct [[gnu::packed]] TablePointer {
    uint16_t limit;
    uint64_t base;
};
static_assert(sizeof(TablePointer) == 10);

// Builds the TSS and the GDT, loads GDTR, reloads every segment register
// (CS by a far return; DS, ES and SS with kernel data; FS and GS with the
// null selector, whose bases the MSRs then own), loads the task register
// and loads LDTR with the null selector: exolab has no LDT, and a null
// LDTR makes every selector with TI = 1 a #GP (LDTR's reset value, base 0
// and limit 0xFFFF, would have the CPU read such a descriptor from linear
// address 0 with kernel privilege).  Call once, early, with interrupts
// off; after it the boot GDT is unused.
void init();

}  // namespace gdt

namespace tss {

// The size of the I/O-permission bitmap: one bit per port, 65536 ports.
inline constexpr uint32_t kIoPorts = 65536;
inline constexpr uint32_t kIoBitmapBytes = kIoPorts / 8;

// Sets rsp0: the stack the CPU switches to when a trap or interrupt arrives
// from user mode.  `stack_top` must be 16-byte aligned and mapped; the
// kernel calls this whenever it changes which kernel stack it returns to
// user mode from.  (gdt::init sets it to the top of the boot stack.)
void set_kernel_stack(uint64_t stack_top);

// The I/O-permission bitmap inside the TSS: bit p set means port p is denied
// to user mode (CPL 3 with IOPL 0), clear means allowed; every bit starts
// set.  An access to `width` bytes at port p is allowed only if bits p to
// p + width - 1 are all clear.  The kernel ignores the bitmap (CPL 0).
//
// Allows (allow = true) or denies ports [first, first + count) to user mode
// from now on; first + count <= kIoPorts.  The domain layer (lab 5,
// domain/ioports.cc) opens the running domain's granted ports with it.
void set_ports(uint32_t first, uint32_t count, bool allow);

}  // namespace tss
