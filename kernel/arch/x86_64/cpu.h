// kernel/arch/x86_64/cpu.h: the few x86-64 instructions the kernel needs
// from C++, each a one-line inline wrapper.
#pragma once

#include <cstdint>

namespace cpu {

// Writes the byte `value` to I/O port `port`.
inline void outb(uint16_t port, uint8_t value) {
    asm volatile("outb %0, %1" : : "a"(value), "Nd"(port));
}

// Reads one byte from I/O port `port`.
inline uint8_t inb(uint16_t port) {
    uint8_t value;
    asm volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
    return value;
}

// The current frame pointer (rbp): the head of the frame-pointer chain.
inline uint64_t read_rbp() {
    uint64_t rbp;
    asm volatile("mov %%rbp, %0" : "=r"(rbp));
    return rbp;
}

// The address of the instruction after this one: where the caller is now.
inline uint64_t read_rip() {
    uint64_t rip;
    asm volatile("lea 0(%%rip), %0" : "=r"(rip));
    return rip;
}

// Stops the CPU until the next interrupt (forever, with interrupts off).
inline void halt() { asm volatile("hlt"); }

// Masks maskable interrupts.
inline void disable_interrupts() { asm volatile("cli"); }

#if LAB >= 4
// Enables interrupts, halts until one arrives and has been handled, and
// disables them again.  STI takes effect after the next instruction, so an
// interrupt cannot slip in between and leave HLT waiting for another.
inline void wait_for_interrupt() { asm volatile("sti\n\thlt\n\tcli" ::: "memory"); }

// The time-stamp counter (under QEMU -icount it counts instructions).
inline uint64_t rdtsc() {
    uint32_t low, high;
    asm volatile("rdtsc" : "=a"(low), "=d"(high));
    return static_cast<uint64_t>(high) << 32 | low;
}
#endif

// Hints to the CPU that this is a spin-wait loop.
inline void pause() { asm volatile("pause"); }

// Control registers and model-specific registers.
inline uint64_t read_cr0() {
    uint64_t v;
    asm volatile("mov %%cr0, %0" : "=r"(v));
    return v;
}
inline void write_cr0(uint64_t v) { asm volatile("mov %0, %%cr0" : : "r"(v) : "memory"); }
// The linear address of the last page fault.
inline uint64_t read_cr2() {
    uint64_t v;
    asm volatile("mov %%cr2, %0" : "=r"(v));
    return v;
}
inline uint64_t read_cr3() {
    uint64_t v;
    asm volatile("mov %%cr3, %0" : "=r"(v));
    return v;
}
// Switches address space (and flushes the non-global TLB entries).
inline void write_cr3(uint64_t v) { asm volatile("mov %0, %%cr3" : : "r"(v) : "memory"); }
inline uint64_t read_cr4() {
    uint64_t v;
    asm volatile("mov %%cr4, %0" : "=r"(v));
    return v;
}
// Sets CR4; a bit the CPU does not have (CPUID says which) is a #GP.
inline void write_cr4(uint64_t v) { asm volatile("mov %0, %%cr4" : : "r"(v) : "memory"); }
// The selector in LDTR.  0 is also LDTR's reset value, whose hidden base
// and limit still describe an LDT at linear 0: only LLDT makes it null.
inline uint16_t read_ldtr() {
    uint16_t v;
    asm volatile("sldt %0" : "=r"(v));
    return v;
}
// The selector in TR (0 until LTR).
inline uint16_t read_tr() {
    uint16_t v;
    asm volatile("str %0" : "=r"(v));
    return v;
}
// CPUID of `leaf` (and `subleaf`, for the leaves that have them).
struct CpuidResult {
    uint32_t eax, ebx, ecx, edx;
};
inline CpuidResult cpuid(uint32_t leaf, uint32_t subleaf) {
    CpuidResult r;
    asm volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx) : "a"(leaf), "c"(subleaf));
    return r;
}
inline uint64_t rdmsr(uint32_t msr) {
    uint32_t lo, hi;
    asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return (static_cast<uint64_t>(hi) << 32) | lo;
}
inline void wrmsr(uint32_t msr, uint64_t v) {
    asm volatile("wrmsr" : : "c"(msr), "a"(static_cast<uint32_t>(v)), "d"(static_cast<uint32_t>(v >> 32)));
}
// Drops the TLB entry of the page containing `va` (and the paging-structure caches).
inline void invlpg(uint64_t va) { asm volatile("invlpg (%0)" : : "r"(va) : "memory"); }

inline constexpr uint64_t kCr0WriteProtect = 1ull << 16;  // ring 0 honours read-only pages too
inline constexpr uint32_t kMsrEfer = 0xC0000080;          // SCE (bit 0), LME (8), NXE (11)
inline constexpr uint32_t kMsrStar = 0xC0000081;          // SYSCALL/SYSRET selectors: gdt::kStarValue
inline constexpr uint32_t kMsrLstar = 0xC0000082;         // SYSCALL's 64-bit entry point
inline constexpr uint32_t kMsrFmask = 0xC0000084;         // RFLAGS bits SYSCALL clears
inline constexpr uint32_t kMsrGsBase = 0xC0000101;        // GS base now (in the kernel: the kernel's)
inline constexpr uint32_t kMsrKernelGsBase = 0xC0000102;  // the other GS base; SWAPGS exchanges the two
inline constexpr uint64_t kEferSyscallEnable = 1ull << 0;
inline constexpr uint64_t kEferNoExecuteEnable = 1ull << 11;
inline constexpr uint64_t kCr4Umip = 1ull << 11;  // SGDT, SIDT, SLDT, SMSW, STR: #GP at CPL > 0
inline constexpr uint64_t kCr4Smep = 1ull << 20;  // ring 0 never executes a user page
inline constexpr uint64_t kCr4Smap = 1ull << 21;  // ring 0 reads/writes a user page only with RFLAGS.AC

// While one of these is in scope, ring 0 may read and write user pages
// (U = 1 at every level) even with CR4.SMAP on: it sets RFLAGS.AC (STAC)
// and clears it at the end of the scope (CLAC).  Without SMAP it does
// nothing (STAC and CLAC are #UD on a CPU without SMAP).  Only for a
// deliberate access through a user address; the kernel reaches user
// memory through the physmap, where SMAP does not apply.
class UserAccess {
public:
    UserAccess() : smap_((read_cr4() & kCr4Smap) != 0) {
        if (smap_) asm volatile("stac" : : : "memory");
    }
    ~UserAccess() {
        if (smap_) asm volatile("clac" : : : "memory");
    }
    UserAccess(const UserAccess&) = delete;
    UserAccess& operator=(const UserAccess&) = delete;

private:
    bool smap_;
};

// RFLAGS bits (SDM vol. 1 §3.4.3).
inline constexpr uint64_t kRflagsReserved = 1ull << 1;    // always 1
inline constexpr uint64_t kRflagsTrap = 1ull << 8;        // TF: single-step
inline constexpr uint64_t kRflagsInterrupt = 1ull << 9;   // IF: maskable interrupts on
inline constexpr uint64_t kRflagsDirection = 1ull << 10;  // DF: string instructions count down
inline constexpr uint64_t kRflagsNestedTask = 1ull << 14; // NT
inline constexpr uint64_t kRflagsAlignmentCheck = 1ull << 18;  // AC: with SMAP, user pages open to ring 0

}  // namespace cpu
