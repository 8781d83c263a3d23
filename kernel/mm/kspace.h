// exolab: lab 2
// kernel/mm/kspace.h: the kernel's own address space, built in lab 2.
//
//   virtual                               physical        rights
//   KERNEL_BASE + .text                   image           R X
//   KERNEL_BASE + .rodata                 image           R   NX
//   KERNEL_BASE + .data, .bss             image           R W NX
//   kernel_stack_guard (one page)         --              not mapped: an overflow faults
//   kernel_stack_bottom .. top            image           R W NX
//   PHYSMAP_BASE + [0, top of RAM)        all RAM         R W NX, 2 MiB pages
//   UFRAMES (PML4 slot 254)               frame table     R   NX, user-readable
//   UVPT    (PML4 slot 255 -> the PML4)   page tables     R   NX, user-readable
//
// Nothing is mapped at low addresses any more: boot.asm's identity map is
// gone, so a null pointer faults.
#pragma once

#include "boot/multiboot2.h"
#include "lib/result.h"
#include "mm/addr.h"

namespace kspace {

// Builds the frame table and the kernel address space above, enables NX
// and write protection in ring 0, and switches to it.  On an error the
// kernel stays on the boot page tables (and says so).
Result<void> init(const multiboot::BootInfo& boot);

// Maps the kernel image from its own ELF section headers (boot.sections,
// which GRUB passes in the multiboot2 information) into the space `root`:
// every allocated section linked at or above KERNEL_BASE, at its linked
// address, with the least rights its flags ask for: writable only if
// SHF_WRITE, executable only if SHF_EXECINSTR, never user-accessible.
// Nothing else of the image is mapped: not the .boot section (linked low,
// at its load address), not the guard page below the stack (it lies in no
// section).  init calls it; the kspace self-check also gives it made-up
// section headers.  Errors: InvalidArgument, before anything is mapped, if
// such a section asks to be both writable and executable; those of
// paging::map.
Result<void> map_kernel_image(PhysAddr root, const multiboot::BootInfo& boot);

// The root (PML4) of the kernel address space; PhysAddr() before init.
PhysAddr root();

// Installs the exported windows in the address space `space_root`: PML4
// slot 254 links the frame table at UFRAMES (tables built once and shared
// by every space), and slot 255 (UVPT) points at `space_root` itself.  A
// domain may read both and write neither: present, user, read-only, not
// executable.  The PML4's count of present entries stays exact, also when
// the windows are installed again.  Errors: NoMemory.
Result<void> install_windows(PhysAddr space_root);

// The entry at `level` (1 = PT entry ... 4 = PML4 entry) on `va`'s path in
// the active address space, read through the UVPT window alone, as a
// domain would read it; present or not.  Never faults.
// Errors: InvalidArgument (va not canonical, level not 1..4), NotMapped
// (an entry above `level` on the path is not present or maps a large
// page: there is no table at `level`).
Result<uint64_t> read_window_entry(VirtAddr va, int level);

}  // namespace kspace
