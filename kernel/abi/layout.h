// kernel/abi/layout.h: every fixed address of exolab, in one place (DESIGN §3.1).
//
// This header is shared by the kernel (C++), the linker script (run through
// the C preprocessor) and, from lab 3, user space.  It therefore holds only
// plain macros of integer constants; C++ code uses the typed constants at the
// bottom.
//
//   0xFFFF_FFFF_FFFF_FFFF +--------------------------+
//                         | kernel image (-2 GiB)    |  KERNEL_BASE + physical address
//   0xFFFF_FFFF_8000_0000 +--------------------------+
//                         |          ...             |
//   0xFFFF_8000_0000_0000 +--------------------------+
//                         | physmap: all of RAM      |  PHYSMAP_BASE + physical address
//                         +--------------------------+
//                         |  non-canonical hole      |
//   0x0000_8000_0000_0000 +--------------------------+
//                         | UVPT: PML4 slot 255      |  recursive: this space's page tables, read-only
//   0x0000_7F80_0000_0000 +--------------------------+
//                         | UDOMAINS (lab 3)         |  the domain table, read-only
//   0x0000_7F40_0000_0000 +- - - - - - - - - - - - - +
//                         | UFRAMES                  |  the frame table, read-only
//   0x0000_7F00_0000_0000 +--------------------------+  USER_TOP, PML4 slot 254 starts here
//                         | u-area (lab 4), 1 page   |
//   0x0000_7EFF_FFFF_F000 +--------------------------+  USTACK_TOP
//                         | user stack, grows down   |
//                         |          ...             |
//                         | user program             |
//   0x0000_0000_0040_0000 +--------------------------+  USER_BASE
//                         | unmapped (null guard)    |
//   0x0000_0000_0000_0000 +--------------------------+
#ifndef EXOLAB_ABI_LAYOUT_H
#define EXOLAB_ABI_LAYOUT_H

#define PAGE_SIZE 0x1000
#define LARGE_PAGE_SIZE 0x200000

// Physical address where GRUB loads the kernel image.
#define KERNEL_LOAD_PHYS 0x100000
// The kernel image is linked here (-mcmodel=kernel: the top 2 GiB).
#define KERNEL_BASE 0xFFFFFFFF80000000
// All physical memory is mapped here for the kernel (at boot: the first GiB).
#define PHYSMAP_BASE 0xFFFF800000000000
// User space: a domain may map pages in [USER_BASE, USER_TOP).
#define USER_BASE 0x400000
#define USER_TOP 0x00007F0000000000
#define USTACK_TOP 0x00007EFFFFFFF000
#define UAREA 0x00007EFFFFFFF000
// The exported read-only windows (DESIGN §3 "no hidden state").
#define UWINDOWS_PML4_SLOT 254
#define UFRAMES 0x00007F0000000000
#define UDOMAINS 0x00007F4000000000
#define UVPT_PML4_SLOT 255
#define UVPT 0x00007F8000000000

// Size of the boot-time physmap and higher-half window built by boot.asm.
#define BOOT_MAPPED_BYTES 0x40000000

#ifdef __cplusplus
#include <cstdint>
inline constexpr uint64_t kPageSize = PAGE_SIZE;
inline constexpr uint64_t kKernelBase = KERNEL_BASE;
inline constexpr uint64_t kPhysmapBase = PHYSMAP_BASE;
inline constexpr uint64_t kBootMappedBytes = BOOT_MAPPED_BYTES;
inline constexpr uint64_t kLargePageSize = LARGE_PAGE_SIZE;
inline constexpr uint64_t kUserBase = USER_BASE;
inline constexpr uint64_t kUserTop = USER_TOP;
inline constexpr uint64_t kUFrames = UFRAMES;
inline constexpr uint64_t kUDomains = UDOMAINS;
inline constexpr uint64_t kUvpt = UVPT;
inline constexpr unsigned kUvptSlot = UVPT_PML4_SLOT;
inline constexpr unsigned kWindowsSlot = UWINDOWS_PML4_SLOT;
#endif

#endif
