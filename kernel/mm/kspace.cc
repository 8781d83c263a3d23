// exolab: lab 2
// kernel/mm/kspace.cc: building and entering the kernel address space.
#include "mm/kspace.h"

#include "arch/x86_64/mmu.h"
#include "lib/align.h"
#include "lib/elf.h"
#include "mm/frames.h"
#include "mm/paging.h"

namespace kspace {
namespace {

PhysAddr kernel_root;
// The tables that map the frame table at UFRAMES, built once and shared by
// every address space through its PML4 slot 254 entry.
paging::Pte windows_entry = 0;

constexpr PageFlags kReadWriteData = PageFlags::Writable | PageFlags::NoExecute;

// ELF section flags (sh_flags, System V gABI): what the linker says a
// section's contents need at run time.
constexpr uint64_t kSectionWrite = 0x1;      // SHF_WRITE: written at run time
constexpr uint64_t kSectionAlloc = 0x2;      // SHF_ALLOC: occupies memory at run time
constexpr uint64_t kSectionExecute = 0x4;    // SHF_EXECINSTR: holds instructions

// Maps the image pages that hold [start, end) (linked addresses; start
// need not be page-aligned) to where GRUB loaded them (virtual -
// KERNEL_BASE), with `flags`.  A page mapped already is mapped again.
Result<void> map_image_range(PhysAddr root, uint64_t start, uint64_t end, PageFlags flags) {
    for (uint64_t va = round_down(start, kPageSize); va < end; va += kPageSize) {
        TRY(paging::map(root, VirtAddr(va), PhysAddr(va - kKernelBase), flags, kFrameOwnerKernel));
    }
    return {};
}

}  // namespace

// Contract in kspace.h.
Result<void> map_kernel_image(PhysAddr root, const multiboot::BootInfo& boot) {
#if SOL >= 2
    auto in_image = [](const elf::SectionHeader& s) {
        return (s.flags & kSectionAlloc) != 0 && s.addr >= kKernelBase && s.size != 0;
    };
    constexpr uint64_t kWriteAndExecute = kSectionWrite | kSectionExecute;
    for (size_t k = 0; k < boot.section_count; k++) {
        bool wx = (boot.sections[k].flags & kWriteAndExecute) == kWriteAndExecute;
        if (wx && in_image(boot.sections[k])) return Error::InvalidArgument;
    }
    for (const elf::SectionHeader* s = boot.sections; s != boot.sections + boot.section_count; s++) {
        if (!in_image(*s)) continue;
        PageFlags rights = (s->flags & kSectionExecute) ? PageFlags::None : PageFlags::NoExecute;
        if (s->flags & kSectionWrite) rights = rights | PageFlags::Writable;
        TRY(map_image_range(root, s->addr, s->addr + s->size, rights));
    }
    return {};
#else
    // LAB 2: Exercise 6. Contract in kspace.h.  W^X: no page may be both
    // writable and executable, or one stray write (a buffer overflow, a
    // bad pointer) becomes new kernel code.  Least privilege: what is not
    // written at run time must not be writable, what is not code must
    // not be executable, and what is not needed at all is not mapped.
    // The ELF section headers, not a list written by hand, say which is
    // which; `readelf -S` shows them (handout §7).
    (void)root, (void)boot, (void)map_image_range;
    return Error::NotImplemented;
#endif
}

namespace {

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
    if (!paging::present(windows_entry)) windows_entry = TRY(build_windows_entry());
    constexpr PageFlags kWindowRights = PageFlags::Present | PageFlags::User | PageFlags::NoExecute;
    paging::Pte* slots = paging::entries(space_root);
    int new_entries = (paging::present(slots[kWindowsSlot]) ? 0 : 1) + (paging::present(slots[kUvptSlot]) ? 0 : 1);
    slots[kWindowsSlot] = paging::make_pte(paging::frame_of(windows_entry), kWindowRights);
    slots[kUvptSlot] = paging::make_pte(space_root, kWindowRights);
    frames::adjust_table_entries(space_root.pfn(), new_entries);
    return {};
#else
    // LAB 2: Exercise 7. Contract in kspace.h.  Every address space
    // shares one frame-table window (build_windows_entry() builds its
    // tables; build them once, and keep the entry in windows_entry), and
    // each sees its own page tables through slot kUvptSlot.  The windows
    // are how a domain reads kernel state without a system call, so the
    // threat is a window that lets it write: one writable entry on the
    // UVPT path, and a domain can edit its own page tables and map any
    // frame with any rights.  Keep the PML4's count of present entries
    // exact, also when a space's windows are installed a second time.
    (void)space_root, (void)build_windows_entry, (void)windows_entry;
    return Error::NotImplemented;
#endif
}

Result<uint64_t> read_window_entry(VirtAddr va, int level) {
    if (!va.canonical() || level < 1 || level > 4) return Error::InvalidArgument;
    cpu::UserAccess user_access;  // the window is user memory: SMAP (lab 3) needs RFLAGS.AC
#if SOL >= 2
    constexpr uint64_t kLow48 = 0x0000FFFFFFFFFFFFull;
    for (int at = 4; at >= level; at--) {
        uint64_t address = kUvpt;  // each further pass through slot 255 climbs one level
        for (int k = 1; k < at; k++) address |= uint64_t{kUvptSlot} << (39 - 9 * k);
        address += ((va.value & kLow48) >> (3 + 9 * at)) * sizeof(paging::Pte);
        paging::Pte entry = *reinterpret_cast<const volatile paging::Pte*>(address);
        if (at == level) return entry;
        if (!paging::present(entry) || has(paging::flags_of(entry), PageFlags::Large)) return Error::NotMapped;
    }
    return Error::NotMapped;
#else
    // LAB 2: Exercise 8. Contract in kspace.h.  Read through the UVPT
    // window only, never through the physmap: this is what a domain sees.
    // The threat is the reader itself faulting: the window shows only the
    // page-table pages that exist, and reading an entry in one that does
    // not is a page fault (in the kernel, the end of the machine).
    (void)user_access;
    return Error::NotImplemented;
#endif
}

Result<void> init(const multiboot::BootInfo& boot) {
    TRY(frames::init(boot));
    PhysAddr root = TRY(paging::new_table(kFrameOwnerKernel));
    TRY(map_physmap(root));
    TRY(map_kernel_image(root, boot));
    TRY(install_windows(root));
    mmu::enable_no_execute_and_write_protect();
    mmu::activate(root.value);
    kernel_root = root;
    return {};
}

PhysAddr root() { return kernel_root; }

}  // namespace kspace
