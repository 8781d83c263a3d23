// exolab: lab 2
// kernel/selftest/space_checks.cc: lab 2's self-checks of lookup's
// effective rights, exhaustion, the kernel address space, the exported
// windows and the UVPT reader, and the stores that must fault.  Each prints
// "check <name>: ok" or where it failed; grade/test_lab2_paging.py reads
// the lines.
#include "abi/frame.h"
#include "arch/x86_64/mmu.h"
#include "arch/x86_64/sections.h"
#include "lib/elf.h"
#include "lib/kprintf.h"
#include "mm/frames.h"
#include "mm/kspace.h"
#include "mm/paging.h"
#include "selftest/check.h"
#include "selftest/mm_checks.h"

namespace selftest {
namespace {

// The PML4 seen through itself: UVPT + slot 255 at every level below.
constexpr uint64_t kPml4ViaUvpt =
    kUvpt + (uint64_t{kUvptSlot} << 30) + (uint64_t{kUvptSlot} << 21) + (uint64_t{kUvptSlot} << 12);

// Checks that every page of [start, end) is mapped, kernel-only, to its
// load address (va - KERNEL_BASE), all with the same rights, and prints
// the range with those rights ("W" or "-", "X" or "-"): the grader
// compares them with the ELF section flags.
Result<void> report_range(const char* name, const char* start, const char* end) {
    int rights = -1;
    for (uint64_t va = reinterpret_cast<uint64_t>(start); va < reinterpret_cast<uint64_t>(end); va += kPageSize) {
        Result<paging::Mapping> m = paging::lookup(kspace::root(), VirtAddr(va));
        CHECK(m.ok(), "%s page %lx is not mapped", name, va);
        CHECK(m.value().pa.value == va - kKernelBase, "%s page %lx maps to %lx", name, va, m.value().pa.value);
        CHECK(!has(m.value().flags, PageFlags::User), "%s page %lx is user-accessible", name, va);
        int here = has(m.value().flags, PageFlags::Writable) * 2 + !has(m.value().flags, PageFlags::NoExecute);
        CHECK(rights == -1 || rights == here, "the pages of %s have different rights", name);
        rights = here;
    }
    kprintf("  %-8s %016lx-%016lx %c%c\n", name, reinterpret_cast<uint64_t>(start), reinterpret_cast<uint64_t>(end),
            rights & 2 ? 'W' : '-', rights & 1 ? 'X' : '-');
    return {};
}

// Counts the leaves under kernel-half PML4 slots that are writable and executable.
size_t count_wx_leaves(PhysAddr table, int level, size_t* leaves) {
    size_t bad = 0;
    paging::Pte* e = paging::entries(table);
    for (unsigned i = level == 4 ? 256 : 0; i < 512; i++) {
        if (!paging::present(e[i])) continue;
        PageFlags f = paging::flags_of(e[i]);
        if (level == 1 || has(f, PageFlags::Large)) {
            ++*leaves;
            bad += has(f, PageFlags::Writable) && !has(f, PageFlags::NoExecute);
        } else {
            bad += count_wx_leaves(paging::frame_of(e[i]), level - 1, leaves);
        }
    }
    return bad;
}

// Checks that the window at `va` is mapped to `pa`, user-readable, read-only, not executable.
Result<void> check_window_rights(uint64_t va, PhysAddr pa) {
    paging::Mapping m = EXPECT_OK(paging::lookup(kspace::root(), VirtAddr(va)));
    CHECK(m.pa == pa, "window %lx maps to %lx, expected %lx", va, m.pa.value, pa.value);
    CHECK(has(m.flags, PageFlags::User | PageFlags::NoExecute) && !has(m.flags, PageFlags::Writable),
          "window %lx must be user-readable, read-only, not executable", va);
    return {};
}

}  // namespace

// map_kernel_image on made-up section headers, into a new space: a code
// section listed before one that asks to be writable and executable.  The
// request is refused before anything is mapped, the code section included.
Result<void> check_image_refused() {
    constexpr uint64_t kAllocExec = 0x6, kAllocWriteExec = 0x7;  // SHF_ALLOC | SHF_EXECINSTR (| SHF_WRITE)
    static elf::SectionHeader sections[2];
    sections[0] = {0, 1, kAllocExec, kKernelBase + 0x200000, 0, 0x1000, 0, 0, 16, 0};
    sections[1] = {0, 1, kAllocWriteExec, kKernelBase + 0x400000, 0, 0x1000, 0, 0, 16, 0};
    static multiboot::BootInfo made_up;  // static: too large for the kernel stack
    made_up.sections = sections;
    made_up.section_count = 2;
    PhysAddr root = EXPECT_OK(paging::new_table(kTestOwner));
    size_t tables = frames::count_of(FrameKind::PageTable);
    EXPECT_ERROR(kspace::map_kernel_image(root, made_up), Error::InvalidArgument);
    CHECK(frames::count_of(FrameKind::PageTable) == tables && frames::info(root.pfn()).map_count == 0,
          "a section both writable and executable was refused only after an earlier section was mapped");
    paging::destroy(root);
    kprintf("  a made-up writable and executable section: refused, nothing mapped\n");
    return {};
}

Result<void> check_kernel_space() {
    TRY(mm_ready());
    CHECK(mmu::is_active(kspace::root().value), "CR3 is not the kernel root");
    TRY(report_range(".text", text_start, text_end));
    TRY(report_range(".rodata", rodata_start, rodata_end));
    TRY(report_range(".data", data_start, data_end));
    TRY(report_range(".bss", bss_start, bss_end));
    TRY(report_range("stack", kernel_stack_bottom, kernel_stack_top));
    EXPECT_ERROR(paging::lookup(kspace::root(), VirtAddr::of(kernel_stack_guard)), Error::NotMapped);
    kprintf("  guard    %016lx not mapped\n", VirtAddr::of(kernel_stack_guard).value);
    EXPECT_ERROR(paging::lookup(kspace::root(), VirtAddr(KERNEL_LOAD_PHYS)), Error::NotMapped);
    EXPECT_ERROR(paging::lookup(kspace::root(), VirtAddr(kKernelBase + KERNEL_LOAD_PHYS)), Error::NotMapped);
    kprintf("  .boot    %016lx not mapped, nor its alias at KERNEL_BASE\n", uint64_t{KERNEL_LOAD_PHYS});

    const uint64_t samples[] = {0, 0x100000, (frames::count() - 1) * kPageSize};
    for (uint64_t pa : samples) {
        paging::Mapping m = EXPECT_OK(paging::lookup(kspace::root(), VirtAddr(kPhysmapBase + pa)));
        CHECK(m.pa.value == pa, "physmap + %lx maps to %lx", pa, m.pa.value);
        CHECK(has(m.flags, PageFlags::Writable | PageFlags::NoExecute | PageFlags::Large),
              "physmap + %lx should be a writable, non-executable 2 MiB page", pa);
    }
    kprintf("  physmap  %016lx-%016lx RW NX\n", kPhysmapBase, kPhysmapBase + frames::count() * kPageSize);

    size_t leaves = 0;
    size_t wx = count_wx_leaves(kspace::root(), 4, &leaves);
    CHECK(wx == 0, "%zu of %zu kernel-half pages are writable and executable", wx, leaves);
    kprintf("  W^X: none of %zu kernel-half leaf entries is writable and executable\n", leaves);
    return check_image_refused();
}

Result<void> check_windows() {
    TRY(mm_ready());
    PhysAddr root = kspace::root();
    paging::Pte* pml4 = paging::entries(root);
    const unsigned window_slots[] = {kWindowsSlot, kUvptSlot};
    for (unsigned slot : window_slots) {
        PageFlags window = paging::flags_of(pml4[slot]);
        CHECK(has(window, PageFlags::Present | PageFlags::User | PageFlags::NoExecute) &&
                  !has(window, PageFlags::Writable),
              "PML4 slot %u (%lx) must be present, user, read-only, not executable", slot, pml4[slot]);
    }
    CHECK(paging::frame_of(pml4[kUvptSlot]) == root, "PML4 slot %u does not point at the PML4 itself", kUvptSlot);
    TRY(check_window_rights(kPml4ViaUvpt, root));
    TRY(check_window_rights(kUFrames, frames::table_phys()));
    uint32_t entries = frames::info(root.pfn()).map_count;
    EXPECT_OK(kspace::install_windows(root));
    CHECK(frames::info(root.pfn()).map_count == entries, "installing the windows again changed the PML4's count");

    // A second address space shares slot 254's tables and sees itself in 255.
    size_t tables = frames::count_of(FrameKind::PageTable);
    PhysAddr other = EXPECT_OK(paging::new_table(kTestOwner));
    EXPECT_OK(kspace::install_windows(other));
    paging::Pte* other_pml4 = paging::entries(other);
    CHECK(other_pml4[kWindowsSlot] == pml4[kWindowsSlot], "a second space does not share the frame-table window");
    CHECK(paging::frame_of(other_pml4[kUvptSlot]) == other, "a second space's UVPT slot does not point at itself");
    CHECK(frames::info(other.pfn()).map_count == 2, "the new PML4 counts %u entries, expected 2",
          frames::info(other.pfn()).map_count);
    CHECK(frames::count_of(FrameKind::PageTable) == tables + 1, "the shared window tables were built again");
    paging::destroy(other);
    CHECK(frames::count_of(FrameKind::PageTable) == tables, "destroying a space freed shared window tables");

    // UFRAMES shows the frame table as it changes, read at its user address.
    Pfn pfn = EXPECT_OK(frames::alloc(FrameKind::User, kTestOwner));
    const auto* uframes = reinterpret_cast<const volatile FrameInfo*>(kUFrames);
    {
        cpu::UserAccess user_access;
        CHECK(uframes[pfn].owner == kTestOwner && uframes[pfn].kind == FrameKind::User,
              "UFRAMES entry of frame %lu: owner %u kind %u", pfn, uframes[pfn].owner,
              static_cast<unsigned>(uframes[pfn].kind));
    }
    EXPECT_OK(frames::release(pfn));
    {
        cpu::UserAccess user_access;
        CHECK(uframes[pfn].kind == FrameKind::Free, "UFRAMES does not show the frame free again");
    }
    kprintf("  UFRAMES %016lx: %zu frames, read-only\n", kUFrames, frames::count());
    kprintf("  UVPT    %016lx: PML4 slot %u -> the PML4, read-only\n", kUvpt, kUvptSlot);
    return {};
}

// The reader against the tables as walk finds them through the physmap.
Result<void> check_window_reader() {
    TRY(mm_ready());
    PhysAddr root = kspace::root();
    Pfn pfn = EXPECT_OK(frames::alloc(FrameKind::User, kTestOwner));
    EXPECT_OK(paging::map(root, kTestVa, PhysAddr::from_pfn(pfn), PageFlags::User | PageFlags::Writable, kTestOwner));
    const VirtAddr mapped[] = {VirtAddr::of(text_start), VirtAddr::of(kernel_stack_bottom), VirtAddr(kUFrames),
                               kTestVa, VirtAddr(kPml4ViaUvpt)};
    for (VirtAddr va : mapped) {
        CHECK(EXPECT_OK(kspace::read_window_entry(va, 4)) == paging::entries(root)[va.index(4)],
              "the PML4 entry of %lx read through UVPT differs", va.value);
        for (int level = 3; level >= 1; level--) {
            paging::Pte expected = *EXPECT_OK(paging::walk(root, va, level, false, kTestOwner));
            paging::Pte got = EXPECT_OK(kspace::read_window_entry(va, level));
            CHECK(got == expected, "level %d entry of %lx: UVPT shows %lx, the tables hold %lx", level, va.value, got,
                  expected);
        }
    }
    VirtAddr physmap(kPhysmapBase + 0x200000);
    paging::Pte pde = *EXPECT_OK(paging::walk(root, physmap, 2, false, kTestOwner));
    CHECK(EXPECT_OK(kspace::read_window_entry(physmap, 2)) == pde, "the physmap's PD entry differs through UVPT");
    EXPECT_ERROR(kspace::read_window_entry(physmap, 1), Error::NotMapped);
    // Nothing is mapped in PML4 slot 1: the entry there reads 0, and there is no table below.
    CHECK(EXPECT_OK(kspace::read_window_entry(kTestVaFar, 4)) == 0, "PML4 slot 1 is not empty");
    EXPECT_ERROR(kspace::read_window_entry(kTestVaFar, 3), Error::NotMapped);
    EXPECT_ERROR(kspace::read_window_entry(kTestVaFar, 1), Error::NotMapped);
    CHECK(EXPECT_OK(kspace::read_window_entry(VirtAddr(kTestVa.value + kPageSize), 1)) == 0,
          "the PT entry of the unmapped page after the test page is not 0");
    EXPECT_ERROR(kspace::read_window_entry(kTestVa, 0), Error::InvalidArgument);
    EXPECT_ERROR(kspace::read_window_entry(kTestVa, 5), Error::InvalidArgument);
    EXPECT_ERROR(kspace::read_window_entry(VirtAddr(0x0000800000000000), 1), Error::InvalidArgument);
    EXPECT_OK(paging::unmap(root, kTestVa));
    EXPECT_OK(frames::release(pfn));
    kprintf("  UVPT reader: every level of %zu addresses as the tables hold them\n", sizeof(mapped) / sizeof(*mapped));
    return {};
}

// A page table that unmap frees must not stay reachable through a cached
// UVPT translation.  Reading a PTE through UVPT puts that alias of the
// page-table page in the TLB; invlpg of the unmapped page does not drop it
// (it is another linear address).  The check reads the alias, unmaps the
// page (freeing the table), gives the table's frame to a new owner who
// fills it, maps the page again (with new tables) and reads the alias once
// more: it must show the new PTE, not the new owner's data.
Result<void> check_uvpt_alias() {
    TRY(mm_ready());
    constexpr uint64_t kNewOwnerData = 0x0DDBA11C0FFEE000;  // what the table's next owner writes
    PhysAddr root = kspace::root();
    Pfn first = EXPECT_OK(frames::alloc(FrameKind::User, kTestOwner));
    Pfn second = EXPECT_OK(frames::alloc(FrameKind::User, kTestOwner));
    EXPECT_OK(paging::map(root, kTestVa, PhysAddr::from_pfn(first), PageFlags::User, kTestOwner));
    Pfn table = paging::frame_of(*EXPECT_OK(paging::walk(root, kTestVa, 2, false, kTestOwner))).pfn();
    paging::Pte pte = EXPECT_OK(kspace::read_window_entry(kTestVa, 1));  // the TLB now holds the alias
    CHECK(paging::frame_of(pte).pfn() == first, "UVPT shows %lx for the test page, expected frame %lu", pte, first);

    EXPECT_OK(paging::unmap(root, kTestVa));
    CHECK(frames::info(table).kind == FrameKind::Free, "unmapping the only page of page table %lu kept the table",
          table);
    EXPECT_OK(frames::alloc(FrameKind::User, kTestOwner + 1, table));
    uint64_t* data = PhysAddr::from_pfn(table).to_virt<uint64_t>();
    for (size_t i = 0; i < kPageSize / sizeof(uint64_t); i++) data[i] = kNewOwnerData;
    EXPECT_OK(paging::map(root, kTestVa, PhysAddr::from_pfn(second), PageFlags::User, kTestOwner));

    pte = EXPECT_OK(kspace::read_window_entry(kTestVa, 1));
    CHECK(pte != kNewOwnerData,
          "UVPT shows frame %lu's new owner's data (%016lx): a stale TLB entry still maps the freed page table", table,
          pte);
    CHECK(paging::frame_of(pte).pfn() == second, "UVPT shows %lx for the remapped page, expected frame %lu", pte,
          second);
    EXPECT_OK(paging::unmap(root, kTestVa));
    EXPECT_OK(frames::release(first));
    EXPECT_OK(frames::release(second));
    EXPECT_OK(frames::release(table));
    kprintf("  UVPT after a page table was freed and reused: the new PTE, not the new owner's data\n");
    return {};
}

// lookup, in a new space: the physical address with its offset, for 4 KiB,
// 2 MiB and 1 GiB pages, and the rights that take effect when an upper
// level takes one away.
Result<void> check_lookup() {
    PhysAddr root = EXPECT_OK(paging::new_table(kTestOwner));
    PhysAddr frame = PhysAddr::from_pfn(EXPECT_OK(frames::alloc(FrameKind::User, kTestOwner)));
    EXPECT_ERROR(paging::lookup(root, kTestVa), Error::NotMapped);
    EXPECT_OK(paging::map(root, kTestVa, frame, PageFlags::User | PageFlags::Writable | PageFlags::Cow, kTestOwner));
    paging::Mapping m = EXPECT_OK(paging::lookup(root, VirtAddr(kTestVa.value + 0xABC)));
    CHECK(m.pa.value == frame.value + 0xABC, "lookup gave %lx, expected %lx", m.pa.value, frame.value + 0xABC);
    CHECK(has(m.flags, PageFlags::Present | PageFlags::User | PageFlags::Writable | PageFlags::Cow) &&
              !has(m.flags, PageFlags::NoExecute) && !has(m.flags, PageFlags::Large),
          "a 4 KiB user page, RW, COW: lookup gave flags %lx", static_cast<uint64_t>(m.flags));

    // Take one right away at one upper level at a time.
    struct Cut {
        int level;
        PageFlags bit;
        bool set;  // set the bit (NX) rather than clear it (W, U)
    };
    const Cut cuts[] = {{2, PageFlags::Writable, false}, {3, PageFlags::NoExecute, true}, {4, PageFlags::User, false}};
    for (const Cut& cut : cuts) {
        paging::Pte* upper = cut.level == 4 ? &paging::entries(root)[kTestVa.index(4)]
                                            : EXPECT_OK(paging::walk(root, kTestVa, cut.level, false, kTestOwner));
        paging::Pte saved = *upper;
        uint64_t bit = static_cast<uint64_t>(cut.bit);
        *upper = cut.set ? saved | bit : saved & ~bit;
        m = EXPECT_OK(paging::lookup(root, kTestVa));
        *upper = saved;
        CHECK(has(m.flags, cut.bit) == cut.set, "with bit %lx %s at level %d, lookup says the page has it %s", bit,
              cut.set ? "set" : "clear", cut.level, has(m.flags, cut.bit) ? "set" : "clear");
        CHECK(m.pa == frame, "lookup lost the frame");
    }
    // In a 4 KiB page's entry bit 7 is PAT (a memory type), not the large-page bit it is above.
    constexpr uint64_t kSmallPat = uint64_t{1} << 7;
    paging::Pte* leaf = EXPECT_OK(paging::walk(root, kTestVa, 1, false, kTestOwner));
    *leaf |= kSmallPat;
    m = EXPECT_OK(paging::lookup(root, kTestVa));
    *leaf &= ~kSmallPat;
    CHECK(m.pa == frame && !has(m.flags, PageFlags::Large),
          "a 4 KiB page with PAT (bit 7) set: lookup gave %lx, flags %lx (bit 7 is Large only above level 1)",
          m.pa.value, static_cast<uint64_t>(m.flags));

    // A 2 MiB page, and a 1 GiB page written by hand into the PDPT.
    EXPECT_OK(paging::map_large(root, VirtAddr(kLargePageSize), PhysAddr(8 * kLargePageSize),
                                PageFlags::Writable | PageFlags::NoExecute, kTestOwner));
    m = EXPECT_OK(paging::lookup(root, VirtAddr(kLargePageSize + 0x12345)));
    CHECK(m.pa.value == 8 * kLargePageSize + 0x12345 && has(m.flags, PageFlags::Large | PageFlags::NoExecute),
          "2 MiB page: lookup gave %lx, flags %lx", m.pa.value, static_cast<uint64_t>(m.flags));
    // In a large page's entry bit 12 is PAT (a memory type), not address.
    constexpr uint64_t kLargePat = uint64_t{1} << 12;
    paging::Pte* large = EXPECT_OK(paging::walk(root, VirtAddr(kLargePageSize), 2, false, kTestOwner));
    *large |= kLargePat;
    m = EXPECT_OK(paging::lookup(root, VirtAddr(kLargePageSize + 0x12345)));
    *large &= ~kLargePat;
    CHECK(m.pa.value == 8 * kLargePageSize + 0x12345, "2 MiB page with PAT (bit 12) set: lookup gave %lx, expected %lx",
          m.pa.value, 8 * kLargePageSize + 0x12345);
    constexpr uint64_t kGiB = 1ull << 30;
    paging::Pte* pdpt = paging::entries(paging::frame_of(paging::entries(root)[0]));
    pdpt[2] = paging::make_pte(PhysAddr(kGiB), PageFlags::Present | PageFlags::Writable | PageFlags::Large) | kLargePat;
    m = EXPECT_OK(paging::lookup(root, VirtAddr(2 * kGiB + 0x2345678)));
    pdpt[2] = 0;
    CHECK(m.pa.value == kGiB + 0x2345678 && has(m.flags, PageFlags::Large | PageFlags::Writable),
          "1 GiB page: lookup gave %lx, flags %lx", m.pa.value, static_cast<uint64_t>(m.flags));
    EXPECT_ERROR(paging::lookup(root, VirtAddr(0x0000800000000000)), Error::InvalidArgument);
    paging::destroy(root);
    static_cast<void>(frames::release(frame.pfn()));

    if (kspace::root().value != 0) {
        // The physmap's PDPT seen through UVPT: its "leaf" is PML4 entry 256
        // (writable, executable, kernel-only), reached through slot 255
        // (read-only, NX, user): nothing of either survives.
        constexpr uint64_t kPhysmapPdptViaUvpt = kUvpt + (uint64_t{kUvptSlot} << 30) + (uint64_t{kUvptSlot} << 21) +
                                                  (uint64_t{kPhysmapBase >> 39 & 511} << 12);
        m = EXPECT_OK(paging::lookup(kspace::root(), VirtAddr(kPhysmapPdptViaUvpt)));
        CHECK(!has(m.flags, PageFlags::Writable) && !has(m.flags, PageFlags::User) && has(m.flags, PageFlags::NoExecute),
              "the physmap's PDPT through UVPT must be read-only, kernel-only, NX: flags %lx",
              static_cast<uint64_t>(m.flags));
    }
    kprintf("  lookup: offsets in 4 KiB, 2 MiB and 1 GiB pages; rights taken away at levels 2, 3, 4\n");
    return {};
}

// Exhaustion: every free frame can be had, a walk that runs out of frames
// builds nothing, and every frame comes back.
Result<void> check_exhaustion() {
    TRY(mm_ready());
    size_t free_at_start = frames::free_count();
    // For the walk that must succeed; counted among the frames taken.
    PhysAddr spare_root = EXPECT_OK(paging::new_table(kTestOwner));
    size_t free_before = frames::free_count();
    size_t tables = frames::count_of(FrameKind::PageTable);
    uint64_t chain = 0;  // allocated frames, linked through their first word
    size_t taken = 0;
    for (;;) {
        Result<Pfn> r = frames::alloc(FrameKind::User, kTestOwner);
        if (!r.ok()) {
            CHECK(r.error() == Error::NoMemory, "alloc failed with %s, expected NoMemory", error_name(r.error()));
            break;
        }
        *PhysAddr::from_pfn(r.value()).to_virt<uint64_t>() = chain;
        chain = r.value();
        taken++;
    }
    CHECK(taken == free_before, "got %zu frames, %zu were free", taken, free_before);
    CHECK(frames::free_count() == 0, "free count %zu with memory exhausted", frames::free_count());
    // With 0, 1 or 2 frames free, a walk that needs three tables must fail
    // before it builds any.
    for (size_t spare = 0; spare <= 2; spare++) {
        if (spare > 0) {
            uint64_t next = *PhysAddr::from_pfn(chain).to_virt<uint64_t>();
            EXPECT_OK(frames::release(chain));
            chain = next;
        }
        EXPECT_ERROR(paging::walk(kspace::root(), kTestVaFar, 1, true, kTestOwner), Error::NoMemory);
        CHECK(frames::count_of(FrameKind::PageTable) == tables && frames::free_count() == spare,
              "a walk that failed with %zu frames free changed the tables or the free count", spare);
    }
    // With exactly three free, it must succeed and take all three.
    uint64_t third = *PhysAddr::from_pfn(chain).to_virt<uint64_t>();
    EXPECT_OK(frames::release(chain));
    chain = third;
    EXPECT_OK(paging::walk(spare_root, kTestVaFar, 1, true, kTestOwner));
    CHECK(frames::free_count() == 0 && frames::count_of(FrameKind::PageTable) == tables + 3,
          "a walk that needs three tables, with exactly three frames free, must build them");
    paging::destroy(spare_root);
    while (chain != 0) {
        uint64_t next = *PhysAddr::from_pfn(chain).to_virt<uint64_t>();
        EXPECT_OK(frames::release(chain));
        chain = next;
    }
    CHECK(frames::free_count() == free_at_start, "free count %zu after freeing all, expected %zu",
          frames::free_count(), free_at_start);
    kprintf("  exhausted memory after %zu frames; all %zu free again\n", taken + 1, frames::free_count());
    return {};
}

void lookup_check() { run_check("lookup", check_lookup); }
void exhaustion_check() { run_check("exhaust", check_exhaustion); }
void kernel_space_check() { run_check("kspace", check_kernel_space); }
void windows_check() { run_check("windows", check_windows); }
void window_reader_check() { run_check("uvptread", check_window_reader); }
void uvpt_alias_check() { run_check("uvptalias", check_uvpt_alias); }


constexpr PageFlags kKernelRw = PageFlags::Writable | PageFlags::NoExecute;

void write_kernel_text() {
    kprintf("writing to kernel text at %p\n", static_cast<const void*>(text_start));
    asm volatile("movb $0x90, (%0)" : : "r"(text_start) : "memory");
    kprintf("the write to kernel text did not fault: .text is writable\n");
}

// Maps a test page writable in the active space, writes to it (the TLB
// then holds a writable entry), takes the write right away with `how`
// ("protect", or "map": the same frame mapped again, read-only), and
// writes again: that write must fault.
void write_after_revoking(const char* how, bool by_protect) {
    if (!run_check("mm ready", mm_ready)) return;
    Result<Pfn> frame = frames::alloc(FrameKind::User, kTestOwner);
    PhysAddr pa = frame.ok() ? PhysAddr::from_pfn(frame.value()) : PhysAddr();
    if (!frame.ok() || !paging::map(kspace::root(), kTestVa, pa, kKernelRw, kTestOwner).ok()) {
        kprintf("could not map the test page\n");
        return;
    }
    auto* page = reinterpret_cast<volatile uint64_t*>(kTestVa.value);
    *page = 1;  // the TLB now holds a writable entry
    Result<void> r = by_protect ? paging::protect(kspace::root(), kTestVa, PageFlags::NoExecute)
                                : paging::map(kspace::root(), kTestVa, pa, PageFlags::NoExecute, kTestOwner);
    kprintf("%s: %s; writing to the page at %p\n", how, r.ok() ? "ok" : error_name(r.error()), page);
    *page = 2;
    kprintf("the write to a page made read-only did not fault\n");
}

void write_protected_page() { write_after_revoking("protect", true); }
void write_remapped_page() { write_after_revoking("map", false); }

}  // namespace selftest
