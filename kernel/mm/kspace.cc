// exolab: lab 2
// kernel/mm/kspace.cc: building and entering the kernel address space.
#include "mm/kspace.h"

#include "arch/x86_64/mmu.h"
#include "arch/x86_64/sections.h"
#include "mm/frames.h"
#include "mm/paging.h"

namespace kspace {
namespace {

PhysAddr kernel_root;
// The tables that map the frame table at UFRAMES, built once and shared by
// every address space through its PML4 slot 254 entry.
paging::Pte windows_entry = 0;

constexpr PageFlags kReadOnlyData = PageFlags::NoExecute;
constexpr PageFlags kReadWriteData = PageFlags::Writable | PageFlags::NoExecute;
constexpr PageFlags kText = PageFlags::None;

// Maps the image pages [start, end) at their linked addresses to where
// GRUB loaded them (virtual - KERNEL_BASE), with `flags`.
Result<void> map_image_range(PhysAddr root, const char* start, const char* end, PageFlags flags) {
    for (uint64_t va = reinterpret_cast<uint64_t>(start); va < reinterpret_cast<uint64_t>(end); va += kPageSize) {
        TRY(paging::map(root, VirtAddr(va), PhysAddr(va - kKernelBase), flags, kFrameOwnerKernel));
    }
    return {};
}

// Maps each section of the kernel image with the rights of the table in
// kspace.h, and leaves kernel_stack_guard unmapped.  Helper:
// map_image_range(root, start, end, flags); flag sets: kText,
// kReadOnlyData, kReadWriteData.
Result<void> map_kernel_image(PhysAddr root) {
#if SOL >= 2
    TRY(map_image_range(root, text_start, text_end, kText));
    TRY(map_image_range(root, rodata_start, rodata_end, kReadOnlyData));
    TRY(map_image_range(root, data_start, bss_end, kReadWriteData));
    TRY(map_image_range(root, kernel_stack_bottom, kernel_stack_top, kReadWriteData));
    return {};
#else
    // LAB 2: Exercise 4. W^X: no page may be both writable and executable.
    (void)root, (void)map_image_range;
    return Error::NotImplemented;
#endif
}

// Maps all RAM at PHYSMAP_BASE with 2 MiB pages, read-write, not executable.
Result<void> map_physmap(PhysAddr root) {
    uint64_t top = frames::count() * kPageSize;
    for (uint64_t pa = 0; pa < top; pa += kLargePageSize) {
        TRY(paging::map_large(root, VirtAddr(kPhysmapBase + pa), PhysAddr(pa), kReadWriteData,
                              kFrameOwnerKernel));
    }
    return {};
}

// Builds the shared tables of PML4 slot 254 once: the frame table at UFRAMES,
// user-readable, read-only.  Returns the PML4 entry that links them.
Result<paging::Pte> build_windows_entry() {
    PhysAddr scratch = TRY(paging::new_table(kFrameOwnerKernel));
    PhysAddr table = frames::table_phys();
    for (uint64_t offset = 0; offset < frames::table_bytes(); offset += kPageSize) {
        TRY(paging::map(scratch, VirtAddr(kUFrames + offset), PhysAddr(table.value + offset),
                        PageFlags::User | PageFlags::NoExecute, kFrameOwnerKernel));
    }
    // Keep the slot-254 subtree; the scratch root itself is no longer needed.
    paging::Pte entry = paging::entries(scratch)[kWindowsSlot];
    paging::entries(scratch)[kWindowsSlot] = 0;
    frames::adjust_table_entries(scratch.pfn(), -1);
    TRY(frames::release(scratch.pfn()));
    return entry;
}

}  // namespace

Result<void> install_windows(PhysAddr space_root) {
#if SOL >= 2
    if (windows_entry == 0) windows_entry = TRY(build_windows_entry());
    paging::Pte* pml4 = paging::entries(space_root);
    int added = !paging::present(pml4[kWindowsSlot]) + !paging::present(pml4[kUvptSlot]);
    pml4[kWindowsSlot] = windows_entry;
    pml4[kUvptSlot] = paging::make_pte(space_root, PageFlags::Present | PageFlags::User | PageFlags::NoExecute);
    frames::adjust_table_entries(space_root.pfn(), added);
    return {};
#else
    // LAB 2: Exercise 5. Link the shared frame-table window
    // (build_windows_entry(), once) into slot kWindowsSlot of the PML4,
    // and make slot kUvptSlot point at the PML4 itself: present,
    // user-readable, read-only, not executable.  Count both entries.
    (void)space_root, (void)build_windows_entry, (void)windows_entry;
    return Error::NotImplemented;
#endif
}

Result<void> init(const multiboot::BootInfo& boot) {
    TRY(frames::init(boot));
    PhysAddr root = TRY(paging::new_table(kFrameOwnerKernel));
    TRY(map_physmap(root));
    TRY(map_kernel_image(root));
    TRY(install_windows(root));
    mmu::enable_no_execute_and_write_protect();
    mmu::activate(root.value);
    kernel_root = root;
    return {};
}

PhysAddr root() { return kernel_root; }

}  // namespace kspace
