// kernel/arch/x86_64/msr.h: model-specific registers (Intel SDM vol. 4;
// AMD APM vol. 2 appendix A) the kernel reads or writes.
#pragma once

#include <cstdint>

namespace msr {

inline constexpr uint32_t kEfer = 0xC0000080;          // extended features: SCE (bit 0), LME, NXE (bit 11)
inline constexpr uint32_t kStar = 0xC0000081;          // SYSCALL/SYSRET selectors (gdt::kStarValue)
inline constexpr uint32_t kLstar = 0xC0000082;         // SYSCALL's 64-bit entry point
inline constexpr uint32_t kFmask = 0xC0000084;         // RFLAGS bits SYSCALL clears
inline constexpr uint32_t kFsBase = 0xC0000100;
inline constexpr uint32_t kGsBase = 0xC0000101;        // GS base now (the kernel's, in the kernel)
inline constexpr uint32_t kKernelGsBase = 0xC0000102;  // the other GS base, which SWAPGS exchanges with it

// Returns MSR `index`.  An index the CPU lacks raises #GP.
inline uint64_t read(uint32_t index) {
    uint32_t low, high;
    asm volatile("rdmsr" : "=a"(low), "=d"(high) : "c"(index));
    return (uint64_t{high} << 32) | low;
}

// Writes `value` to MSR `index`.  An index the CPU lacks, or a value it
// rejects (a non-canonical base, a reserved bit), raises #GP.
inline void write(uint32_t index, uint64_t value) {
    asm volatile("wrmsr" : : "c"(index), "a"(static_cast<uint32_t>(value)), "d"(static_cast<uint32_t>(value >> 32))
                 : "memory");
}

}  // namespace msr
