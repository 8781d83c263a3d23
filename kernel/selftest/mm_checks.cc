// exolab: lab 2
// kernel/selftest/mm_checks.cc: lab 2's self-checks of the frame table,
// the page-table operations, the kernel address space and the windows.
// Each prints "check <name>: ok" or where it failed; grade/test_lab2_*.py
// reads the lines.
#include "selftest/mm_checks.h"

#include "abi/layout.h"
#include "arch/x86_64/mmu.h"
#include "arch/x86_64/sections.h"
#include "lib/string.h"
#include "mm/frames.h"
#include "mm/kspace.h"
#include "mm/paging.h"
#include "selftest/check.h"


namespace selftest {
namespace {

constexpr uint16_t kTestOwner = 7;
constexpr VirtAddr kTestVa(0x400000);
constexpr VirtAddr kTestVaFar(0x0000008000400000);  // another PML4 slot: its own PDPT, PD and PT

Result<void> mm_ready() {
    CHECK(kspace::root().value != 0, "the kernel address space is not set up (see the 'mm:' line at boot)");
    return {};
}

// The frame and page-table checks need only the frame table (built before
// any exercise code runs) and the boot mapping of the first GiB, so they
// grade Exercises 1-3 even while the kernel address space cannot be built.
Result<void> frames_ready() {
    CHECK(frames::count() != 0, "there is no frame table (see the 'mm:' line at boot)");
    CHECK(frames::count() * kPageSize <= kBootMappedBytes || kspace::root().value != 0,
          "more RAM than the boot mapping covers, and no kernel address space");
    return {};
}

Result<void> check_frames() {
    TRY(frames_ready());
    size_t free_before = frames::free_count();
    Pfn a = EXPECT_OK(frames::alloc(FrameKind::User, kTestOwner));
    Pfn b = EXPECT_OK(frames::alloc(FrameKind::User, kTestOwner));
    Pfn c = EXPECT_OK(frames::alloc(FrameKind::User, kTestOwner));
    CHECK(a != b && b != c && a != c, "three allocations gave frames %lu %lu %lu", a, b, c);
    const Pfn allocated[] = {a, b, c};
    for (Pfn p : allocated) {
        const FrameInfo& f = frames::info(p);
        CHECK(f.kind == FrameKind::User && f.owner == kTestOwner && f.map_count == 0,
              "frame %lu: kind %s owner %u map_count %u", p, frames::kind_name(f.kind), f.owner, f.map_count);
    }
    CHECK(frames::free_count() == free_before - 3, "free count %zu, expected %zu", frames::free_count(),
          free_before - 3);

    // A frame comes back zeroed, and a particular frame can be asked for.
    memset(PhysAddr::from_pfn(a).to_virt(), 0xAB, kPageSize);
    EXPECT_OK(frames::release(a));
    CHECK(frames::info(a).kind == FrameKind::Free, "a released, unmapped frame is free at once");
    CHECK(EXPECT_OK(frames::alloc(FrameKind::User, kTestOwner, a)) == a, "alloc(want=%lu) gave another frame", a);
    auto* bytes = PhysAddr::from_pfn(a).to_virt<const uint8_t>();
    for (size_t i = 0; i < kPageSize; i++) CHECK(bytes[i] == 0, "frame %lu not zeroed at byte %zu", a, i);

    EXPECT_ERROR(frames::alloc(FrameKind::User, kTestOwner, b), Error::Busy);
    EXPECT_ERROR(frames::alloc(FrameKind::User, kTestOwner, KERNEL_LOAD_PHYS / kPageSize), Error::Busy);
    EXPECT_ERROR(frames::alloc(FrameKind::User, kTestOwner, frames::count()), Error::InvalidArgument);
    EXPECT_ERROR(frames::release(0), Error::InvalidArgument);

    EXPECT_OK(frames::release(b));
    EXPECT_ERROR(frames::release(b), Error::InvalidArgument);

    // A released frame that is still mapped stays in use until its last mapping goes.
    frames::add_mapping(c);
    EXPECT_OK(frames::release(c));
    CHECK(frames::info(c).kind == FrameKind::User, "a released frame with a mapping must not be free yet");
    frames::remove_mapping(c);
    CHECK(frames::info(c).kind == FrameKind::Free, "the last mapping's removal frees a released frame");

    EXPECT_OK(frames::release(a));
    CHECK(frames::free_count() == free_before, "free count %zu, expected %zu", frames::free_count(), free_before);
    kprintf("  frames: %zu in the table, %zu free\n", frames::count(), frames::free_count());
    return {};
}

Result<void> check_page_tables() {
    TRY(frames_ready());
    PhysAddr root = EXPECT_OK(paging::new_table(kTestOwner));
    size_t tables = frames::count_of(FrameKind::PageTable);
    PhysAddr f1 = PhysAddr::from_pfn(EXPECT_OK(frames::alloc(FrameKind::User, kTestOwner)));
    PhysAddr f2 = PhysAddr::from_pfn(EXPECT_OK(frames::alloc(FrameKind::User, kTestOwner)));
    constexpr PageFlags kUserRw = PageFlags::User | PageFlags::Writable;

    EXPECT_ERROR(paging::lookup(root, kTestVa), Error::NotMapped);
    EXPECT_OK(paging::map(root, kTestVa, f1, kUserRw, kTestOwner));
    paging::Mapping m = EXPECT_OK(paging::lookup(root, VirtAddr(kTestVa.value + 0x123)));
    CHECK(m.pa.value == f1.value + 0x123, "lookup gave %lx, expected %lx", m.pa.value, f1.value + 0x123);
    CHECK(has(m.flags, PageFlags::Present | kUserRw), "mapping lost its rights");
    CHECK(frames::count_of(FrameKind::PageTable) == tables + 3, "mapping one page should add a PDPT, a PD and a PT");
    CHECK(frames::info(f1.pfn()).map_count == 1, "map_count %u, expected 1", frames::info(f1.pfn()).map_count);

    EXPECT_OK(paging::map(root, kTestVa, f1, PageFlags::User, kTestOwner));  // remap with fewer rights
    m = EXPECT_OK(paging::lookup(root, kTestVa));
    CHECK(!has(m.flags, PageFlags::Writable), "remapping read-only left the page writable");
    CHECK(frames::info(f1.pfn()).map_count == 1, "remapping the same frame changed its map_count");
    EXPECT_OK(paging::protect(root, kTestVa, kUserRw | PageFlags::NoExecute));
    m = EXPECT_OK(paging::lookup(root, kTestVa));
    CHECK(has(m.flags, PageFlags::Writable | PageFlags::NoExecute) && m.pa == f1, "protect did not change rights");

    EXPECT_OK(paging::map(root, kTestVa, f2, PageFlags::User, kTestOwner));  // replace the frame
    CHECK(EXPECT_OK(paging::lookup(root, kTestVa)).pa == f2, "replacing the mapping kept the old frame");
    CHECK(frames::info(f1.pfn()).map_count == 0 && frames::info(f2.pfn()).map_count == 1, "map counts wrong");

    VirtAddr next(kTestVa.value + kPageSize);
    EXPECT_OK(paging::map(root, next, f1, PageFlags::User, kTestOwner));
    CHECK(frames::count_of(FrameKind::PageTable) == tables + 3, "a neighbouring page needs no new table");
    EXPECT_OK(paging::map(root, kTestVaFar, f1, PageFlags::User, kTestOwner));
    CHECK(frames::count_of(FrameKind::PageTable) == tables + 6, "a page in another PML4 slot needs 3 new tables");

    EXPECT_ERROR(paging::map(root, VirtAddr(kTestVa.value + 1), f1, PageFlags::User, kTestOwner),
                 Error::InvalidArgument);
    EXPECT_ERROR(paging::map(root, kTestVa, PhysAddr(f1.value + 8), PageFlags::User, kTestOwner),
                 Error::InvalidArgument);
    EXPECT_ERROR(paging::map(root, VirtAddr(0x0000800000000000), f1, PageFlags::User, kTestOwner),
                 Error::InvalidArgument);
    EXPECT_ERROR(paging::lookup(root, VirtAddr(0xDEAD000000000000)), Error::InvalidArgument);
    EXPECT_ERROR(paging::unmap(root, VirtAddr(0x7000000000)), Error::NotMapped);

    EXPECT_OK(paging::unmap(root, kTestVa));
    EXPECT_ERROR(paging::lookup(root, kTestVa), Error::NotMapped);
    EXPECT_ERROR(paging::unmap(root, kTestVa), Error::NotMapped);
    CHECK(frames::count_of(FrameKind::PageTable) == tables + 6, "a table that still maps a page was freed");
    EXPECT_OK(paging::unmap(root, next));
    CHECK(frames::count_of(FrameKind::PageTable) == tables + 3, "emptied PT, PD and PDPT should be freed");
    EXPECT_OK(paging::unmap(root, kTestVaFar));
    CHECK(frames::count_of(FrameKind::PageTable) == tables, "all intermediate tables should be freed");
    CHECK(paging::entries(root)[0] == 0 && paging::entries(root)[1] == 0, "the root still links freed tables");
    CHECK(frames::info(f1.pfn()).map_count == 0 && frames::info(f2.pfn()).map_count == 0, "map counts not 0");

    EXPECT_OK(paging::map(root, kTestVa, f1, kUserRw, kTestOwner));  // destroy frees a whole space
    EXPECT_OK(paging::map(root, kTestVaFar, f2, kUserRw, kTestOwner));
    paging::destroy(root);
    CHECK(frames::count_of(FrameKind::PageTable) == tables - 1, "destroy left page tables behind");
    CHECK(frames::info(f1.pfn()).map_count == 0 && frames::info(f2.pfn()).map_count == 0, "destroy kept mappings");
    EXPECT_OK(frames::release(f1.pfn()));
    EXPECT_OK(frames::release(f2.pfn()));
    return {};
}

// Checks that every page of [start, end) maps to its load address with
// exactly the rights `writable` and `executable`.
Result<void> check_section(const char* name, const char* start, const char* end, bool writable, bool executable) {
    for (uint64_t va = reinterpret_cast<uint64_t>(start); va < reinterpret_cast<uint64_t>(end); va += kPageSize) {
        Result<paging::Mapping> m = paging::lookup(kspace::root(), VirtAddr(va));
        CHECK(m.ok(), "%s page %lx is not mapped", name, va);
        CHECK(m.value().pa.value == va - kKernelBase, "%s page %lx maps to %lx", name, va, m.value().pa.value);
        CHECK(has(m.value().flags, PageFlags::Writable) == writable, "%s page %lx: writable should be %d", name, va,
              writable);
        CHECK(!has(m.value().flags, PageFlags::NoExecute) == executable, "%s page %lx: executable should be %d",
              name, va, executable);
        CHECK(!has(m.value().flags, PageFlags::User), "%s page %lx is user-accessible", name, va);
    }
    kprintf("  %-8s %016lx-%016lx %c%c\n", name, reinterpret_cast<uint64_t>(start), reinterpret_cast<uint64_t>(end),
            writable ? 'W' : '-', executable ? 'X' : '-');
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

Result<void> check_kernel_space() {
    TRY(mm_ready());
    CHECK(mmu::is_active(kspace::root().value), "CR3 is not the kernel root");
    TRY(check_section(".text", text_start, text_end, false, true));
    TRY(check_section(".rodata", rodata_start, rodata_end, false, false));
    TRY(check_section(".data", data_start, bss_end, true, false));
    TRY(check_section("stack", kernel_stack_bottom, kernel_stack_top, true, false));
    EXPECT_ERROR(paging::lookup(kspace::root(), VirtAddr::of(kernel_stack_guard)), Error::NotMapped);
    kprintf("  guard    %016lx not mapped\n", VirtAddr::of(kernel_stack_guard).value);

    const uint64_t samples[] = {0, 0x100000, (frames::count() - 1) * kPageSize};
    for (uint64_t pa : samples) {
        paging::Mapping m = EXPECT_OK(paging::lookup(kspace::root(), VirtAddr(kPhysmapBase + pa)));
        CHECK(m.pa.value == pa, "physmap + %lx maps to %lx", pa, m.pa.value);
        CHECK(has(m.flags, PageFlags::Writable | PageFlags::NoExecute | PageFlags::Large),
              "physmap + %lx should be a writable, non-executable 2 MiB page", pa);
    }
    kprintf("  physmap  %016lx-%016lx RW NX\n", kPhysmapBase, kPhysmapBase + frames::count() * kPageSize);
    EXPECT_ERROR(paging::lookup(kspace::root(), VirtAddr(KERNEL_LOAD_PHYS)), Error::NotMapped);

    size_t leaves = 0;
    size_t wx = count_wx_leaves(kspace::root(), 4, &leaves);
    CHECK(wx == 0, "%zu of %zu kernel-half pages are writable and executable", wx, leaves);
    kprintf("  W^X: none of %zu kernel-half leaf entries is writable and executable\n", leaves);
    return {};
}

// Where the entry that maps `va` at `level` (1 = PTE, 2 = PDE, ...) is in
// the recursive UVPT window: every recursion through slot 255 climbs one
// level.
uint64_t uvpt_address(VirtAddr va, int level) {
    uint64_t base = kUvpt;
    for (int l = 1; l < level; l++) base += static_cast<uint64_t>(kUvptSlot) << (12 + 9 * (3 - l));
    uint64_t index = (va.value & 0x0000FFFFFFFFFFFFull) >> (12 + 9 * (level - 1));
    return base + index * sizeof(paging::Pte);
}

// That entry, read through UVPT (a user address: with SMAP on, only inside
// a cpu::UserAccess).
paging::Pte read_via_uvpt(VirtAddr va, int level) {
    return *reinterpret_cast<const volatile paging::Pte*>(uvpt_address(va, level));
}

Result<void> check_windows() {
    TRY(mm_ready());
    // The windows are user pages, and this check reads them through their
    // user addresses on purpose: what it checks is what the MMU shows a
    // domain there.  With SMAP on (lab 3) ring 0 may do that only with
    // RFLAGS.AC set; nothing else in the kernel reads a window this way.
    cpu::UserAccess user_access;
    PhysAddr root = kspace::root();
    paging::Pte* text_pte = EXPECT_OK(paging::walk(root, VirtAddr::of(text_start), false, kFrameOwnerKernel));
    CHECK(read_via_uvpt(VirtAddr::of(text_start), 1) == *text_pte, "UVPT shows a different PTE for .text");
    paging::Pte pde = paging::entries(paging::frame_of(paging::entries(paging::frame_of(
        paging::entries(root)[VirtAddr(kPhysmapBase).index(4)]))[VirtAddr(kPhysmapBase).index(3)]))[0];
    CHECK(read_via_uvpt(VirtAddr(kPhysmapBase), 2) == pde, "UVPT shows a different PDE for the physmap");
    paging::Pte self = read_via_uvpt(VirtAddr(kUvpt), 4);
    CHECK(paging::frame_of(self) == root, "PML4 slot %u does not point at the PML4 itself", kUvptSlot);
    CHECK(!has(paging::flags_of(self), PageFlags::Writable) && has(paging::flags_of(self), PageFlags::User),
          "the UVPT slot must be user-readable and read-only");

    // A user mapping is visible through both windows.
    Pfn pfn = EXPECT_OK(frames::alloc(FrameKind::User, kTestOwner));
    EXPECT_OK(paging::map(root, kTestVa, PhysAddr::from_pfn(pfn), PageFlags::User | PageFlags::Writable, kTestOwner));
    paging::Pte pte = read_via_uvpt(kTestVa, 1);
    CHECK(paging::frame_of(pte).pfn() == pfn && has(paging::flags_of(pte), PageFlags::User | PageFlags::Writable),
          "UVPT shows %lx for the test page", pte);
    const auto* uframes = reinterpret_cast<const FrameInfo*>(kUFrames);
    CHECK(uframes[pfn].owner == kTestOwner && uframes[pfn].kind == FrameKind::User && uframes[pfn].map_count == 1,
          "UFRAMES entry of frame %lu: owner %u kind %u map_count %u", pfn, uframes[pfn].owner,
          static_cast<unsigned>(uframes[pfn].kind), uframes[pfn].map_count);
    EXPECT_OK(paging::unmap(root, kTestVa));
    EXPECT_OK(frames::release(pfn));
    CHECK(uframes[pfn].kind == FrameKind::Free, "UFRAMES does not show the frame free again");

    // The PML4 seen through itself: UVPT + slot 255 at every level below.
    const uint64_t pml4_via_uvpt = kUvpt + (uint64_t{kUvptSlot} << 30) + (uint64_t{kUvptSlot} << 21) +
                                   (uint64_t{kUvptSlot} << 12);
    const uint64_t windows[] = {kUFrames, pml4_via_uvpt};
    for (uint64_t window : windows) {
        paging::Mapping m = EXPECT_OK(paging::lookup(root, VirtAddr(window)));
        CHECK(has(m.flags, PageFlags::User | PageFlags::NoExecute) && !has(m.flags, PageFlags::Writable),
              "window %lx must be user-readable, read-only, not executable", window);
    }
    kprintf("  UFRAMES %016lx: %zu frames, read-only\n", kUFrames, frames::count());
    kprintf("  UVPT    %016lx: PML4 slot %u -> the PML4, read-only\n", kUvpt, kUvptSlot);
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
    cpu::UserAccess user_access;
    PhysAddr root = kspace::root();
    Pfn first = EXPECT_OK(frames::alloc(FrameKind::User, kTestOwner));
    Pfn second = EXPECT_OK(frames::alloc(FrameKind::User, kTestOwner));
    EXPECT_OK(paging::map(root, kTestVa, PhysAddr::from_pfn(first), PageFlags::User, kTestOwner));
    Pfn table = EXPECT_OK(paging::lookup(root, VirtAddr(uvpt_address(kTestVa, 1)))).pa.pfn();
    paging::Pte pte = read_via_uvpt(kTestVa, 1);  // the TLB now holds the alias
    CHECK(paging::frame_of(pte).pfn() == first, "UVPT shows %lx for the test page, expected frame %lu", pte, first);

    EXPECT_OK(paging::unmap(root, kTestVa));
    CHECK(frames::info(table).kind == FrameKind::Free, "unmapping the only page of page table %lu kept the table",
          table);
    EXPECT_OK(frames::alloc(FrameKind::User, kTestOwner + 1, table));
    uint64_t* data = PhysAddr::from_pfn(table).to_virt<uint64_t>();
    for (size_t i = 0; i < kPageSize / sizeof(uint64_t); i++) data[i] = kNewOwnerData;
    EXPECT_OK(paging::map(root, kTestVa, PhysAddr::from_pfn(second), PageFlags::User, kTestOwner));

    pte = read_via_uvpt(kTestVa, 1);
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

Result<void> check_exhaustion() {
    TRY(mm_ready());
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
    EXPECT_ERROR(paging::map(kspace::root(), kTestVaFar, PhysAddr::from_pfn(chain), PageFlags::User, kTestOwner),
                 Error::NoMemory);
    CHECK(frames::count_of(FrameKind::PageTable) == tables, "a failed map left tables behind");
    // With one or two frames free, a map that needs three tables must fail
    // before it builds any (validate, then commit).
    for (int spare = 1; spare <= 2; spare++) {
        uint64_t next = *PhysAddr::from_pfn(chain).to_virt<uint64_t>();
        EXPECT_OK(frames::release(chain));
        chain = next;
        EXPECT_ERROR(paging::map(kspace::root(), kTestVaFar, PhysAddr::from_pfn(chain), PageFlags::User, kTestOwner),
                     Error::NoMemory);
        CHECK(frames::count_of(FrameKind::PageTable) == tables && frames::free_count() == static_cast<size_t>(spare),
              "a map that failed with %d frames free changed the tables or the free count", spare);
    }
    while (chain != 0) {
        uint64_t next = *PhysAddr::from_pfn(chain).to_virt<uint64_t>();
        EXPECT_OK(frames::release(chain));
        chain = next;
    }
    CHECK(frames::free_count() == free_before, "free count %zu after freeing all, expected %zu",
          frames::free_count(), free_before);
    kprintf("  exhausted memory after %zu frames; all %zu free again\n", taken, frames::free_count());
    return {};
}

}  // namespace

bool run_check(const char* name, Result<void> (*check)()) {
    Result<void> r = check();
    kprintf("check %s: %s\n", name, r.ok() ? "ok" : "FAILED");
    return r.ok();
}

void frames_check() { run_check("frames", check_frames); }
void page_table_check() { run_check("pagetable", check_page_tables); }
void kernel_space_check() { run_check("kspace", check_kernel_space); }
void windows_check() { run_check("windows", check_windows); }
void exhaustion_check() { run_check("exhaust", check_exhaustion); }
void uvpt_alias_check() { run_check("uvptalias", check_uvpt_alias); }

void all_mm_checks() {
    if (!run_check("mm ready", mm_ready)) return;
    size_t free_before = frames::free_count();
    bool ok = run_check("frames", check_frames) & run_check("pagetable", check_page_tables) &
              run_check("kspace", check_kernel_space) & run_check("windows", check_windows) &
              run_check("uvptalias", check_uvpt_alias) & run_check("exhaust", check_exhaustion);
    kprintf("free frames: %zu before the checks, %zu after (%s)\n", free_before, frames::free_count(),
            ok ? "all checks ok" : "some checks FAILED");
}

void write_kernel_text() {
    kprintf("writing to kernel text at %p\n", static_cast<const void*>(text_start));
    asm volatile("movb $0x90, (%0)" : : "r"(text_start) : "memory");
    kprintf("the write to kernel text did not fault: .text is writable\n");
}

}  // namespace selftest
