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
//   0x0000_7FFF_FFFF_FFFF +--------------------------+
//                         | user space (lab 3)       |
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
// Size of the boot-time physmap and higher-half window built by boot.asm.
#define BOOT_MAPPED_BYTES 0x40000000

#ifdef __cplusplus
#include <cstdint>
inline constexpr uint64_t kPageSize = PAGE_SIZE;
inline constexpr uint64_t kKernelBase = KERNEL_BASE;
inline constexpr uint64_t kPhysmapBase = PHYSMAP_BASE;
inline constexpr uint64_t kBootMappedBytes = BOOT_MAPPED_BYTES;
#endif

#endif
