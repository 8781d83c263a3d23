// exolab: lab 2
// kernel/mm/addr.h: physical and virtual addresses as distinct types, so a
// physical address can never be dereferenced or mapped by mistake.
#pragma once

#include <cstdint>

#include "abi/layout.h"

using Pfn = uint64_t;  // physical frame number: physical address / 4096

struct PhysAddr {
    uint64_t value = 0;

    constexpr PhysAddr() = default;
    constexpr explicit PhysAddr(uint64_t v) : value(v) {}
    static constexpr PhysAddr from_pfn(Pfn pfn) { return PhysAddr(pfn * kPageSize); }

    constexpr Pfn pfn() const { return value / kPageSize; }
    constexpr bool page_aligned() const { return value % kPageSize == 0; }

    // The kernel's pointer to this physical address, through the physmap.
    template <typename T = void>
    T* to_virt() const {
        return reinterpret_cast<T*>(kPhysmapBase + value);
    }

    constexpr bool operator==(const PhysAddr&) const = default;
};

struct VirtAddr {
    uint64_t value = 0;

    constexpr VirtAddr() = default;
    constexpr explicit VirtAddr(uint64_t v) : value(v) {}
    template <typename T>
    static VirtAddr of(T* p) { return VirtAddr(reinterpret_cast<uint64_t>(p)); }

    constexpr bool page_aligned() const { return value % kPageSize == 0; }
    // Canonical: bits 63..47 all equal (48-bit virtual addresses).
    constexpr bool canonical() const {
        uint64_t top = value >> 47;
        return top == 0 || top == 0x1FFFF;
    }
    // The lower half: user space and the exported windows.
    constexpr bool is_lower_half() const { return value < 0x0000800000000000ull; }
    // The 9-bit index of this address in the page table of `level`
    // (4 = PML4, 3 = PDPT, 2 = PD, 1 = PT).
    constexpr unsigned index(int level) const { return (value >> (12 + 9 * (level - 1))) & 511; }

    constexpr bool operator==(const VirtAddr&) const = default;
};
