// exolab: lab 2
// kernel/selftest/mm_checks.cc: lab 2's self-checks of the frame table and
// the page-table operations (space_checks.cc checks the kernel address
// space and the windows).  Each prints "check <name>: ok" or where it
// failed; grade/test_lab2_paging.py reads the lines.
#include "selftest/mm_checks.h"

#include "arch/x86_64/mmu.h"
#include "arch/x86_64/sections.h"
#include "lib/string.h"
#include "mm/frames.h"
#include "mm/kspace.h"
#include "mm/paging.h"
#include "selftest/check.h"

namespace selftest {
namespace {

constexpr PageFlags kUserRw = PageFlags::User | PageFlags::Writable;
constexpr PageFlags kKernelRw = PageFlags::Writable | PageFlags::NoExecute;
constexpr VirtAddr kLargeVa(0x200000);  // a 2 MiB page in the PD that holds kTestVa's PT

// The frame and page-table checks need only the frame table (built before
// any exercise code runs) and the boot mapping of the first GiB, so they
// run even while the kernel address space cannot be built.
Result<void> frames_ready() {
    CHECK(frames::count() != 0, "there is no frame table (see the 'mm:' line at boot)");
    CHECK(frames::count() * kPageSize <= kBootMappedBytes || kspace::root().value != 0,
          "more RAM than the boot mapping covers, and no kernel address space");
    return {};
}

// Gives a test frame back.  The release check grades release itself, so
// the other checks do not fail on it (a frame it loses fails mmcheck).
void give_back(Pfn pfn) { static_cast<void>(frames::release(pfn)); }

uint64_t* frame_words(Pfn pfn) { return PhysAddr::from_pfn(pfn).to_virt<uint64_t>(); }

// The free list, followed from its head through the frame table: every
// member Free, the links agreeing in both directions, free_count() long.
Result<void> check_free_list() {
    Pfn head = frames::kNoFrame;
    for (Pfn p = 0; p < frames::count() && head == frames::kNoFrame; p++) {
        if (frames::info(p).kind == FrameKind::Free && frames::info(p).prev == frames::kNoFrame) head = p;
    }
    size_t length = 0;
    uint32_t prev = frames::kNoFrame;
    for (Pfn p = head; p != frames::kNoFrame; p = frames::info(p).next) {
        CHECK(p < frames::count() && length < frames::count(), "the free list leaves the table or loops at %lu", p);
        const FrameInfo& f = frames::info(p);
        CHECK(f.kind == FrameKind::Free && f.owner == kFrameNoOwner, "frame %lu on the free list is %s, owner %u", p,
              frames::kind_name(f.kind), f.owner);
        CHECK(f.prev == prev, "frame %lu's prev is %u, but it follows %u on the list", p, f.prev, prev);
        prev = static_cast<uint32_t>(p);
        length++;
    }
    CHECK(length == frames::free_count(), "the free list holds %zu frames, free_count() says %zu", length,
          frames::free_count());
    CHECK(frames::count_of(FrameKind::Free) == length, "%zu frames are Free, %zu on the list",
          frames::count_of(FrameKind::Free), length);
    return {};
}

Result<void> check_frames() {
    TRY(frames_ready());
    TRY(check_free_list());
    size_t free_before = frames::free_count();
    Pfn a = EXPECT_OK(frames::alloc(FrameKind::User, kTestOwner));
    Pfn b = EXPECT_OK(frames::alloc(FrameKind::PageTable, kTestOwner));
    Pfn c = EXPECT_OK(frames::alloc(FrameKind::User, kTestOwner + 1));
    CHECK(a != b && b != c && a != c, "three allocations gave frames %lu %lu %lu", a, b, c);
    const Pfn allocated[] = {a, b, c};
    const FrameKind kinds[] = {FrameKind::User, FrameKind::PageTable, FrameKind::User};
    const uint16_t owners[] = {kTestOwner, kTestOwner, kTestOwner + 1};
    for (int i = 0; i < 3; i++) {
        const FrameInfo& f = frames::info(allocated[i]);
        CHECK(f.kind == kinds[i] && f.owner == owners[i] && f.map_count == 0, "frame %lu: kind %s owner %u map_count %u",
              allocated[i], frames::kind_name(f.kind), f.owner, f.map_count);
        // Every domain reads the table (UFRAMES): a frame off the list names no neighbour.
        CHECK(f.prev == frames::kNoFrame && f.next == frames::kNoFrame,
              "frame %lu left the free list with links prev %u next %u still set", allocated[i], f.prev, f.next);
    }
    CHECK(frames::free_count() == free_before - 3, "free count %zu, expected %zu", frames::free_count(),
          free_before - 3);

    // A particular frame, asked for by its physical name: one in the middle
    // of the list, filled with garbage first.  It must come zeroed, and its
    // neighbours on the list must end up linked to each other.
    Pfn want = 0;
    for (Pfn p = frames::count() - 1; p > 0 && want == 0; p--) {
        const FrameInfo& f = frames::info(p);
        if (f.kind == FrameKind::Free && f.prev != frames::kNoFrame && f.next != frames::kNoFrame) want = p;
    }
    CHECK(want != 0, "no free frame in the middle of the free list");
    uint32_t before = frames::info(want).prev, after = frames::info(want).next;
    memset(frame_words(want), 0xAB, kPageSize);
    CHECK(EXPECT_OK(frames::alloc(FrameKind::User, kTestOwner, want)) == want, "alloc(want=%lu) gave another frame",
          want);
    CHECK(frames::info(before).next == after && frames::info(after).prev == before,
          "after alloc(want=%lu), its neighbours %u and %u are not linked to each other", want, before, after);
    auto* bytes = PhysAddr::from_pfn(want).to_virt<const uint8_t>();
    for (size_t i = 0; i < kPageSize; i++) CHECK(bytes[i] == 0, "frame %lu not zeroed at byte %zu", want, i);
    TRY(check_free_list());

    EXPECT_ERROR(frames::alloc(FrameKind::User, kTestOwner, b), Error::Busy);
    EXPECT_ERROR(frames::alloc(FrameKind::User, kTestOwner, want), Error::Busy);
    EXPECT_ERROR(frames::alloc(FrameKind::User, kTestOwner, KERNEL_LOAD_PHYS / kPageSize), Error::Busy);
    EXPECT_ERROR(frames::alloc(FrameKind::User, kTestOwner, frames::count()), Error::InvalidArgument);
    CHECK(frames::free_count() == free_before - 4, "a failed alloc changed the free count");
    kprintf("  frames: %zu in the table, %zu free\n", frames::count(), free_before);
    for (Pfn p : allocated) give_back(p);
    give_back(want);
    return {};
}

Result<void> check_release() {
    TRY(frames_ready());
    size_t free_before = frames::free_count();
    Pfn a = EXPECT_OK(frames::alloc(FrameKind::User, kTestOwner));
    EXPECT_OK(frames::release(a));
    CHECK(frames::info(a).kind == FrameKind::Free && frames::free_count() == free_before,
          "a released, unmapped frame must be free at once");
    EXPECT_ERROR(frames::release(a), Error::InvalidArgument);
    EXPECT_ERROR(frames::release(0), Error::InvalidArgument);
    EXPECT_ERROR(frames::release(frames::count()), Error::InvalidArgument);
    // One past the end again, with the table's page padding there made to
    // look like an owned frame: a range check off by one reads it.
    size_t past = frames::count();
    if ((past + 1) * sizeof(FrameInfo) <= frames::table_bytes()) {
        FrameInfo& beyond = frames::detail::table[past];
        FrameInfo padding = beyond;
        beyond = FrameInfo{kTestOwner, FrameKind::User, 0, 0, frames::kNoFrame, frames::kNoFrame};
        Result<void> r = frames::release(past);
        beyond = padding;
        CHECK(!r.ok() && r.error() == Error::InvalidArgument,
              "release(%zu), one past the last frame, read the table's padding as a frame", past);
    }
    CHECK(EXPECT_OK(frames::alloc(FrameKind::User, kTestOwner, a)) == a, "the released frame %lu is not on the list", a);

    // Released while mapped twice: no owner at once, free with the last mapping.
    frames::add_mapping(a);
    frames::add_mapping(a);
    EXPECT_OK(frames::release(a));
    const FrameInfo& f = frames::info(a);
    CHECK(f.kind == FrameKind::User && f.owner == kFrameNoOwner && frames::free_count() == free_before - 1,
          "a released frame with mappings must keep its kind, lose its owner and stay off the free list");
    EXPECT_ERROR(frames::release(a), Error::InvalidArgument);
    // No owner, yet not free: asked for by name, it is Busy, or its next
    // owner would share it with the mappings left.
    EXPECT_ERROR(frames::alloc(FrameKind::User, kTestOwner, a), Error::Busy);
    frames::remove_mapping(a);
    CHECK(f.kind == FrameKind::User && f.map_count == 1, "the frame was freed with a mapping left");
    frames::remove_mapping(a);
    CHECK(f.kind == FrameKind::Free && frames::free_count() == free_before, "the last mapping's removal frees it");

    // An owned frame whose mappings all go stays its owner's.
    Pfn b = EXPECT_OK(frames::alloc(FrameKind::User, kTestOwner));
    frames::add_mapping(b);
    frames::remove_mapping(b);
    CHECK(frames::info(b).kind == FrameKind::User && frames::info(b).owner == kTestOwner,
          "unmapping an owned frame freed it");
    EXPECT_OK(frames::release(b));
    CHECK(frames::free_count() == free_before, "free count %zu, expected %zu", frames::free_count(), free_before);
    return {};
}

Result<void> check_walk() {
    TRY(frames_ready());
    PhysAddr root = EXPECT_OK(paging::new_table(kTestOwner));
    size_t tables = frames::count_of(FrameKind::PageTable);
    EXPECT_ERROR(paging::walk(root, kTestVa, 1, false, kTestOwner), Error::NotMapped);
    CHECK(frames::count_of(FrameKind::PageTable) == tables, "a walk without create built a table");
    paging::Pte* e = EXPECT_OK(paging::walk(root, kTestVa, 1, true, kTestOwner));
    CHECK(*e == 0, "the new PT entry is %lx, not empty", *e);
    CHECK(frames::count_of(FrameKind::PageTable) == tables + 3, "the first walk should add a PDPT, a PD and a PT");
    CHECK(frames::info(root.pfn()).map_count == 1, "the root holds %u counted entries, expected 1",
          frames::info(root.pfn()).map_count);
    for (int level = 2; level <= 4; level++) {  // the PT, PD and PDPT just built
        paging::Pte link = level == 4 ? paging::entries(root)[kTestVa.index(4)]
                                      : *EXPECT_OK(paging::walk(root, kTestVa, level, false, kTestOwner));
        const FrameInfo& table = frames::info(paging::frame_of(link).pfn());
        CHECK(table.kind == FrameKind::PageTable && table.owner == kTestOwner,
              "the table below the level-%d entry is %s, owner %u: walk must build it for `owner` (%u)", level,
              frames::kind_name(table.kind), table.owner, kTestOwner);
    }
    paging::Pte top = paging::entries(root)[kTestVa.index(4)];
    CHECK(has(paging::flags_of(top), PageFlags::Present | kUserRw) && !has(paging::flags_of(top), PageFlags::NoExecute),
          "a lower-half intermediate entry must grant everything: %lx", top);
    CHECK(EXPECT_OK(paging::walk(root, kTestVa, 1, true, kTestOwner)) == e, "a second walk found another entry");
    CHECK(EXPECT_OK(paging::walk(root, VirtAddr(kTestVa.value + kPageSize), 1, false, kTestOwner)) == e + 1,
          "the next page's entry is not the next slot of the same PT");
    paging::Pte* pde = EXPECT_OK(paging::walk(root, kTestVa, 2, false, kTestOwner));
    CHECK(paging::entries(paging::frame_of(*pde)) + kTestVa.index(1) == e, "the PD entry does not lead to the PT");
    CHECK(frames::count_of(FrameKind::PageTable) == tables + 3, "walking existing tables built new ones");
    CHECK(frames::info(paging::frame_of(*pde).pfn()).map_count == 0, "walk counted the leaf");

    if (kspace::root().value != 0) {  // the kernel's space, built with walk
        paging::Pte high = paging::entries(kspace::root())[VirtAddr(kKernelBase).index(4)];
        CHECK(!has(paging::flags_of(high), PageFlags::User), "a kernel-half intermediate entry must not grant User");
    }

    // A 2 MiB page (map_large, built on walk) has no PT below it.
    EXPECT_OK(paging::map_large(root, kLargeVa, PhysAddr(0), kKernelRw, kTestOwner));
    size_t with_large = frames::count_of(FrameKind::PageTable);
    EXPECT_ERROR(paging::walk(root, VirtAddr(kLargeVa.value + kPageSize), 1, true, kTestOwner), Error::Busy);
    EXPECT_ERROR(paging::map_large(root, kLargeVa, PhysAddr(kLargePageSize), kKernelRw, kTestOwner), Error::Busy);
    CHECK(frames::count_of(FrameKind::PageTable) == with_large, "a walk into a large page built a table");
    EXPECT_ERROR(paging::walk(root, kTestVa, 4, false, kTestOwner), Error::InvalidArgument);
    EXPECT_ERROR(paging::walk(root, VirtAddr(0x0000800000000000), 1, true, kTestOwner), Error::InvalidArgument);
    paging::destroy(root);
    CHECK(frames::count_of(FrameKind::PageTable) == tables - 1, "destroy left page tables behind");
    return {};
}

// Map and protect, in a new space; then, in the active one, that a
// replaced mapping is not read through a stale TLB entry.
Result<void> check_page_tables() {
    TRY(frames_ready());
    PhysAddr root = EXPECT_OK(paging::new_table(kTestOwner));
    size_t tables = frames::count_of(FrameKind::PageTable);
    PhysAddr f1 = PhysAddr::from_pfn(EXPECT_OK(frames::alloc(FrameKind::User, kTestOwner)));
    PhysAddr f2 = PhysAddr::from_pfn(EXPECT_OK(frames::alloc(FrameKind::User, kTestOwner)));

    EXPECT_ERROR(paging::lookup(root, kTestVa), Error::NotMapped);
    EXPECT_OK(paging::map(root, kTestVa, f1, kUserRw, kTestOwner));
    paging::Mapping m = EXPECT_OK(paging::lookup(root, VirtAddr(kTestVa.value + 0x123)));
    CHECK(m.pa.value == f1.value + 0x123, "lookup gave %lx, expected %lx", m.pa.value, f1.value + 0x123);
    CHECK(has(m.flags, PageFlags::Present | kUserRw), "mapping lost its rights");
    CHECK(frames::count_of(FrameKind::PageTable) == tables + 3, "mapping one page should add a PDPT, a PD and a PT");
    CHECK(frames::info(f1.pfn()).map_count == 1, "map_count %u, expected 1", frames::info(f1.pfn()).map_count);
    PhysAddr pt = paging::frame_of(*EXPECT_OK(paging::walk(root, kTestVa, 2, false, kTestOwner)));
    CHECK(frames::info(pt.pfn()).map_count == 1, "the PT counts %u entries, expected 1", frames::info(pt.pfn()).map_count);

    EXPECT_OK(paging::map(root, kTestVa, f1, PageFlags::User, kTestOwner));  // remap with fewer rights
    m = EXPECT_OK(paging::lookup(root, kTestVa));
    CHECK(!has(m.flags, PageFlags::Writable), "remapping read-only left the page writable");
    CHECK(frames::info(f1.pfn()).map_count == 1 && frames::info(pt.pfn()).map_count == 1,
          "remapping the same frame changed a count");
    EXPECT_OK(paging::protect(root, kTestVa, kUserRw | PageFlags::NoExecute));
    m = EXPECT_OK(paging::lookup(root, kTestVa));
    CHECK(has(m.flags, PageFlags::Writable | PageFlags::NoExecute) && m.pa == f1, "protect did not change rights");
    EXPECT_ERROR(paging::protect(root, kTestVaFar, PageFlags::User), Error::NotMapped);
    EXPECT_ERROR(paging::protect(root, VirtAddr(kTestVa.value + kPageSize), PageFlags::User), Error::NotMapped);
    CHECK(frames::count_of(FrameKind::PageTable) == tables + 3, "protect built a table");

    EXPECT_OK(paging::map(root, kTestVa, f2, PageFlags::User, kTestOwner));  // replace the frame
    CHECK(EXPECT_OK(paging::lookup(root, kTestVa)).pa == f2, "replacing the mapping kept the old frame");
    CHECK(frames::info(f1.pfn()).map_count == 0 && frames::info(f2.pfn()).map_count == 1, "map counts wrong");

    // A released frame mapped again at the same va must not be freed on the way.
    EXPECT_OK(frames::release(f2.pfn()));
    EXPECT_OK(paging::map(root, kTestVa, f2, PageFlags::User, kTestOwner));
    CHECK(frames::info(f2.pfn()).kind == FrameKind::User && frames::info(f2.pfn()).map_count == 1,
          "remapping a released frame at its own va freed it (kind %s, map_count %u)",
          frames::kind_name(frames::info(f2.pfn()).kind), frames::info(f2.pfn()).map_count);

    VirtAddr next(kTestVa.value + kPageSize);
    EXPECT_OK(paging::map(root, next, f1, PageFlags::User, kTestOwner));
    CHECK(frames::count_of(FrameKind::PageTable) == tables + 3, "a neighbouring page needs no new table");
    CHECK(frames::info(pt.pfn()).map_count == 2, "the PT counts %u entries, expected 2", frames::info(pt.pfn()).map_count);
    EXPECT_OK(paging::map(root, kTestVaFar, f1, PageFlags::User, kTestOwner));
    CHECK(frames::count_of(FrameKind::PageTable) == tables + 6, "a page in another PML4 slot needs 3 new tables");
    CHECK(frames::info(f1.pfn()).map_count == 2, "map_count %u, expected 2", frames::info(f1.pfn()).map_count);

    EXPECT_ERROR(paging::map(root, VirtAddr(kTestVa.value + 1), f1, PageFlags::User, kTestOwner),
                 Error::InvalidArgument);
    EXPECT_ERROR(paging::map(root, kTestVa, PhysAddr(f1.value + 8), PageFlags::User, kTestOwner),
                 Error::InvalidArgument);
    EXPECT_ERROR(paging::map(root, VirtAddr(0x0000800000000000), f1, PageFlags::User, kTestOwner),
                 Error::InvalidArgument);
    EXPECT_ERROR(paging::lookup(root, VirtAddr(0xDEAD000000000000)), Error::InvalidArgument);
    paging::destroy(root);  // f2 was released: it is free with its last mapping
    CHECK(frames::count_of(FrameKind::PageTable) == tables - 1, "destroy left page tables behind");
    CHECK(frames::info(f2.pfn()).kind == FrameKind::Free, "destroy kept released frame %lu", f2.pfn());

    if (kspace::root().value == 0) return {};  // the TLB part needs the kernel's own space
    Pfn second = EXPECT_OK(frames::alloc(FrameKind::User, kTestOwner));
    frame_words(f1.pfn())[0] = 0x1111111111111111;
    frame_words(second)[0] = 0x2222222222222222;
    EXPECT_OK(paging::map(kspace::root(), kTestVa, f1, kKernelRw, kTestOwner));
    uint64_t seen = *reinterpret_cast<volatile uint64_t*>(kTestVa.value);  // now in the TLB
    EXPECT_OK(paging::map(kspace::root(), kTestVa, PhysAddr::from_pfn(second), kKernelRw, kTestOwner));
    uint64_t after = *reinterpret_cast<volatile uint64_t*>(kTestVa.value);
    static_cast<void>(paging::unmap(kspace::root(), kTestVa));
    give_back(f1.pfn());
    give_back(second);
    CHECK(seen == 0x1111111111111111, "the first mapping read %lx", seen);
    CHECK(after == 0x2222222222222222, "after replacing the mapping, %lx still reads the old frame (%lx): a stale TLB entry",
          kTestVa.value, after);
    return {};
}

Result<void> check_unmap() {
    TRY(frames_ready());
    PhysAddr root = EXPECT_OK(paging::new_table(kTestOwner));
    size_t tables = frames::count_of(FrameKind::PageTable);
    PhysAddr f1 = PhysAddr::from_pfn(EXPECT_OK(frames::alloc(FrameKind::User, kTestOwner)));
    PhysAddr f2 = PhysAddr::from_pfn(EXPECT_OK(frames::alloc(FrameKind::User, kTestOwner)));
    VirtAddr next(kTestVa.value + kPageSize);
    EXPECT_OK(paging::map(root, kTestVa, f2, PageFlags::User, kTestOwner));
    EXPECT_OK(paging::map(root, next, f1, PageFlags::User, kTestOwner));
    EXPECT_OK(paging::map(root, kTestVaFar, f1, PageFlags::User, kTestOwner));
    EXPECT_OK(paging::map_large(root, kLargeVa, PhysAddr(0), kKernelRw, kTestOwner));
    size_t mapped = frames::count_of(FrameKind::PageTable);

    EXPECT_ERROR(paging::unmap(root, VirtAddr(0x7000000000)), Error::NotMapped);
    EXPECT_ERROR(paging::unmap(root, VirtAddr(kTestVa.value + 2 * kPageSize)), Error::NotMapped);
    EXPECT_ERROR(paging::unmap(root, kLargeVa), Error::InvalidArgument);
    EXPECT_ERROR(paging::unmap(root, VirtAddr(kTestVa.value + 8)), Error::InvalidArgument);
    CHECK(frames::count_of(FrameKind::PageTable) == mapped, "a failed unmap changed the tables");

    EXPECT_OK(paging::unmap(root, kTestVa));
    EXPECT_ERROR(paging::lookup(root, kTestVa), Error::NotMapped);
    EXPECT_ERROR(paging::unmap(root, kTestVa), Error::NotMapped);
    CHECK(frames::count_of(FrameKind::PageTable) == mapped, "a table that still maps a page was freed");
    CHECK(frames::info(f2.pfn()).map_count == 0, "map_count %u after unmap", frames::info(f2.pfn()).map_count);
    EXPECT_OK(paging::unmap(root, next));
    CHECK(frames::count_of(FrameKind::PageTable) == mapped - 1, "the emptied PT should be freed, its PD not");
    EXPECT_OK(paging::unmap(root, kTestVaFar));
    CHECK(frames::count_of(FrameKind::PageTable) == mapped - 4, "the emptied PT, PD and PDPT should be freed");
    CHECK(paging::entries(root)[1] == 0, "the root still links freed tables");
    CHECK(frames::info(root.pfn()).map_count == 1, "the root counts %u entries, expected 1",
          frames::info(root.pfn()).map_count);
    CHECK(frames::info(f1.pfn()).map_count == 0, "map_count %u after unmap", frames::info(f1.pfn()).map_count);

    // A released frame is free once its last mapping is gone.
    EXPECT_OK(paging::map(root, kTestVa, f2, PageFlags::User, kTestOwner));
    EXPECT_OK(frames::release(f2.pfn()));
    EXPECT_OK(paging::unmap(root, kTestVa));
    CHECK(frames::info(f2.pfn()).kind == FrameKind::Free, "unmapping the last mapping of a released frame kept it");
    paging::destroy(root);
    CHECK(frames::count_of(FrameKind::PageTable) == tables - 1, "destroy left page tables behind");

    // A space whose last page goes keeps its root, empty.
    PhysAddr lone = EXPECT_OK(paging::new_table(kTestOwner));
    EXPECT_OK(paging::map(lone, kTestVa, f1, PageFlags::User, kTestOwner));
    EXPECT_OK(paging::unmap(lone, kTestVa));
    CHECK(frames::info(lone.pfn()).kind == FrameKind::PageTable && frames::info(lone.pfn()).map_count == 0,
          "unmapping a space's only page must leave its root, empty (kind %s, %u entries)",
          frames::kind_name(frames::info(lone.pfn()).kind), frames::info(lone.pfn()).map_count);
    CHECK(frames::count_of(FrameKind::PageTable) == tables, "unmapping the only page left tables behind");
    paging::destroy(lone);

    if (kspace::root().value == 0) return {};  // the TLB part needs the kernel's own space
    // In the active space: an unmapped page must not stay readable through
    // the TLB.  A neighbour keeps the PT alive, so only invlpg is at stake.
    Pfn old_frame = f1.pfn();
    Pfn new_frame = EXPECT_OK(frames::alloc(FrameKind::User, kTestOwner));
    frame_words(old_frame)[0] = 0x1111111111111111;
    frame_words(new_frame)[0] = 0x2222222222222222;
    EXPECT_OK(paging::map(kspace::root(), next, PhysAddr::from_pfn(new_frame), kKernelRw, kTestOwner));
    EXPECT_OK(paging::map(kspace::root(), kTestVa, f1, kKernelRw, kTestOwner));
    uint64_t seen = *reinterpret_cast<volatile uint64_t*>(kTestVa.value);  // now in the TLB
    EXPECT_OK(paging::unmap(kspace::root(), kTestVa));
    EXPECT_OK(paging::map(kspace::root(), kTestVa, PhysAddr::from_pfn(new_frame), kKernelRw, kTestOwner));
    uint64_t after = *reinterpret_cast<volatile uint64_t*>(kTestVa.value);
    EXPECT_OK(paging::unmap(kspace::root(), kTestVa));
    EXPECT_OK(paging::unmap(kspace::root(), next));
    EXPECT_OK(frames::release(old_frame));
    EXPECT_OK(frames::release(new_frame));
    CHECK(seen == 0x1111111111111111, "the mapping read %lx", seen);
    CHECK(after == 0x2222222222222222, "after unmap and a new mapping, %lx still reads the old frame (%lx): a stale "
          "TLB entry", kTestVa.value, after);
    return {};
}

}  // namespace

Result<void> mm_ready() {
    CHECK(kspace::root().value != 0, "the kernel address space is not set up (see the 'mm:' line at boot)");
    return {};
}

bool run_check(const char* name, Result<void> (*check)()) {
    Result<void> r = check();
    kprintf("check %s: %s\n", name, r.ok() ? "ok" : "FAILED");
    return r.ok();
}

void frames_check() { run_check("frames", check_frames); }
void release_check() { run_check("release", check_release); }
void walk_check() { run_check("walk", check_walk); }
void page_table_check() { run_check("pagetable", check_page_tables); }
void unmap_check() { run_check("unmap", check_unmap); }

void all_mm_checks() {
    if (!run_check("mm ready", mm_ready)) return;
    size_t free_before = frames::free_count();
    bool ok = run_check("frames", check_frames) & run_check("release", check_release) &
              run_check("walk", check_walk) & run_check("pagetable", check_page_tables) &
              run_check("unmap", check_unmap) & run_check("lookup", check_lookup) &
              run_check("kspace", check_kernel_space) &
              run_check("windows", check_windows) & run_check("uvptread", check_window_reader) &
              run_check("uvptalias", check_uvpt_alias) & run_check("exhaust", check_exhaustion);
    kprintf("free frames: %zu before the checks, %zu after (%s)\n", free_before, frames::free_count(),
            ok ? "all checks ok" : "some checks FAILED");
}

}  // namespace selftest
