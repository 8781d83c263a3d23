// exolab: lab 2
// kernel/mm/paging.cc: page-table operations (see paging.h).
#include "mm/paging.h"

#include "mm/frames.h"

namespace paging {
namespace {

constexpr PageFlags kTableFlags = PageFlags::Present | PageFlags::Writable;

// Intermediate entries: the leaf decides the rights, but the User bit must
// be set on the whole path for user code to reach a user page (or window).
PageFlags intermediate_flags(VirtAddr va) {
    return va.is_lower_half() ? kTableFlags | PageFlags::User : kTableFlags;
}

// The page-table page that holds entry `e`.
PhysAddr table_of(const Pte* e) {
    return PhysAddr((reinterpret_cast<uint64_t>(e) - kPhysmapBase) & ~(kPageSize - 1));
}

// The size of the page an entry at `level` maps when it is a leaf.
constexpr uint64_t page_size(int level) { return kPageSize << (9 * (level - 1)); }

// Clears entry `i` of `table` (at `level`, 4 = PML4): frees the tables
// below it and unmaps their leaves, except below PML4 slots >=
// first_shared_slot, whose tables other address spaces share (the windows,
// the kernel half): those entries are only cleared.
void destroy_below(PhysAddr table, int level, unsigned first_shared_slot);
void clear_entry(PhysAddr table, int level, unsigned i, unsigned first_shared_slot) {
    Pte* e = entries(table) + i;
    bool shared = level == 4 && i >= first_shared_slot;
#if LAB >= 5
    // A slot another space links too: this space only lets go of it.
    if (!shared && level == 4 && frames::table_links(frame_of(*e).pfn()) > 0) {
        frames::adjust_table_links(frame_of(*e).pfn(), -1);
        shared = true;
    }
#endif
    if (!shared && level == 1) {
        frames::remove_mapping(frame_of(*e).pfn());
    } else if (!shared && !has(flags_of(*e), PageFlags::Large)) {
        destroy_below(frame_of(*e), level - 1, first_shared_slot);
        MUST(frames::release(frame_of(*e).pfn()));
    }
    *e = 0;
}

// Empties `table` (at `level`), entry by entry as clear_entry does.  An
// address space's entries sit near both ends of a table (a program at the
// bottom, its stacks and u-area at the top), and in the root near both
// ends of each half: the user slots below first_shared_slot, the shared
// ones from it up.  So each range is scanned inwards from both of its
// ends, all at once, until the table's count of present entries
// (frames::adjust_table_entries) says none is left: a sparse table costs
// a few steps, not 512.
void destroy_below(PhysAddr table, int level, unsigned first_shared_slot) {
    const Pte* e = entries(table);
    uint32_t left = frames::info(table.pfn()).map_count;
    auto visit = [&](unsigned i) {
        if (left == 0 || !present(e[i])) return;
        clear_entry(table, level, i, first_shared_slot);
        left = frames::adjust_table_entries(table.pfn(), -1);
    };
    unsigned split = level == 4 ? first_shared_slot : kEntries;
    unsigned low[2] = {0, split}, high[2] = {split, kEntries};
    while (left > 0 && (low[0] < high[0] || low[1] < high[1])) {
        for (int r = 0; r < 2; r++) {
            if (low[r] < high[r]) visit(low[r]++);
            if (low[r] < high[r]) visit(--high[r]);
        }
    }
}

}  // namespace

Result<PhysAddr> new_table(uint16_t owner) {
    Pfn pfn = TRY(frames::alloc(FrameKind::PageTable, owner));
    return PhysAddr::from_pfn(pfn);
}

#if SOL >= 2
namespace {

// walk's slow path: entry va.index(at) of `table` (at `at`) is missing, and
// so is every level below it: links a fresh table at each, down to `level`.
// Out of line, so that the walk of a present path saves no register (the
// fault upcall's handler maps a page, DESIGN §8).
[[gnu::noinline]] Result<Pte*> link_new_tables(PhysAddr table, VirtAddr va, int at, int level, uint16_t owner) {
    // Make sure every table can be had before linking the first.
    if (frames::free_count() < static_cast<size_t>(at - level)) return Error::NoMemory;
    for (; at > level; at--) {
        Pte& slot = entries(table)[va.index(at)];
        slot = make_pte(TRY(new_table(owner)), intermediate_flags(va));
        frames::adjust_table_entries(table.pfn(), 1);
        table = frame_of(slot);
    }
    return entries(table) + va.index(level);
}

}  // namespace
#endif

Result<Pte*> walk(PhysAddr root, VirtAddr va, int level, bool create, uint16_t owner) {
    if (!va.canonical() || level < 1 || level > 3) return Error::InvalidArgument;
#if SOL >= 2
    PhysAddr table = root;
    for (int at = 4; at > level; at--) {
        Pte slot = entries(table)[va.index(at)];
        if (!present(slot)) return create ? link_new_tables(table, va, at, level, owner) : Error::NotMapped;
        if (has(flags_of(slot), PageFlags::Large)) return Error::Busy;
        table = frame_of(slot);
    }
    return entries(table) + va.index(level);
#else
    // LAB 2: Exercise 3. Contract in paging.h.  Two invariants: every
    // present entry in a page-table page is counted in that page's frame
    // (frames::adjust_table_entries), and an intermediate entry grants
    // everything its half of the address space may have
    // (intermediate_flags), so that the leaf alone decides the rights.
    // The threat is running out of frames half-way: a walk that fails
    // with NoMemory must leave the tree exactly as it found it (the
    // exhaust check maps into an empty PML4 slot with 1 and 2 frames free).
    (void)root, (void)create, (void)owner, (void)intermediate_flags;
    return Error::NotImplemented;
#endif
}

Result<void> map(PhysAddr root, VirtAddr va, PhysAddr pa, PageFlags flags, uint16_t owner) {
#if LAB >= 5
    if (in_linked_slot(root, va)) return Error::Busy;  // another space's tables too (first line: see unmap)
#endif
    if (!va.page_aligned() || !pa.page_aligned()) return Error::InvalidArgument;  // walk refuses a non-canonical va
#if SOL >= 2
    Pte* leaf = TRY(walk(root, va, 1, true, owner));
    Pte previous = *leaf;
    frames::add_mapping(pa.pfn());
    *leaf = make_pte(pa, flags | PageFlags::Present);
    if (!present(previous)) {
        frames::adjust_table_entries(table_of(leaf).pfn(), 1);
        return {};
    }
    frames::remove_mapping(frame_of(previous).pfn());
    invalidate(root, va);
    return {};
#else
    // LAB 2: Exercise 4. Contract in paging.h.  Keep both counts exact:
    // the page table's count of present entries, and each frame's count of
    // the leaves that map it (frames::add_mapping / remove_mapping).  Two
    // threats: remapping a frame its owner already released, at the same
    // va, must not free it on the way (not even for a moment); and once a
    // mapping is replaced, the CPU must not go on using the old frame or
    // the old rights from its TLB (the pagetable check reads through a
    // replaced mapping of the active space).
    (void)root, (void)flags, (void)owner;
    return Error::NotImplemented;
#endif
}

#if LAB >= 4
Result<void> map_range(PhysAddr root, VirtAddr va, PhysAddr pa, uint64_t pages, PageFlags flags, uint16_t owner) {
    if (!va.page_aligned() || !pa.page_aligned()) return Error::InvalidArgument;

    Pte* slot = nullptr;
    for (uint64_t k = 0; k < pages; k++) {
        VirtAddr page(va.value + k * kPageSize);
        PhysAddr frame(pa.value + k * kPageSize);
        // A walk at the first page and wherever a new page table begins.
        slot = (slot == nullptr || page.index(1) == 0) ? TRY(walk(root, page, 1, true, owner)) : slot + 1;
        Pte old = *slot;
        frames::add_mapping(frame.pfn());
        *slot = make_pte(frame, flags | PageFlags::Present);
        if (present(old)) {
            frames::remove_mapping(frame_of(old).pfn());
            invalidate(root, page);
        } else {
            frames::adjust_table_entries(table_of(slot).pfn(), 1);
        }
    }
    return {};
}
#endif

Result<void> map_large(PhysAddr root, VirtAddr va, PhysAddr pa, PageFlags flags, uint16_t owner) {
    if (!va.canonical() || va.value % kLargePageSize != 0 || pa.value % kLargePageSize != 0) {
        return Error::InvalidArgument;
    }
    Pte* e = TRY(walk(root, va, 2, true, owner));
    if (present(*e)) return Error::Busy;
    *e = make_pte(pa, flags | PageFlags::Present | PageFlags::Large);
    frames::adjust_table_entries(table_of(e).pfn(), +1);
    return {};
}

Result<void> unmap(PhysAddr root, VirtAddr va) {
#if LAB >= 5
    // Another space's tables too.  First, a line away from the exercise
    // below, so that a student's lab 2 code merges into lab 5 cleanly.
    if (in_linked_slot(root, va)) return Error::Busy;
#endif
    if (!va.canonical() || !va.page_aligned()) return Error::InvalidArgument;
#if SOL >= 2
    PhysAddr tables[5];  // tables[level]: the page-table page at that level on va's path
    tables[4] = root;
    for (int level = 4; level > 1; level--) {
        Pte link = entries(tables[level])[va.index(level)];
        if (!present(link)) return Error::NotMapped;
        if (has(flags_of(link), PageFlags::Large)) return Error::InvalidArgument;
        tables[level - 1] = frame_of(link);
    }
    Pte& leaf = entries(tables[1])[va.index(1)];
    if (!present(leaf)) return Error::NotMapped;
    Pfn old_frame = frame_of(leaf).pfn();
    leaf = 0;
    int level = 1;
    while (level < 4 && frames::adjust_table_entries(tables[level].pfn(), -1) == 0) {
        entries(tables[level + 1])[va.index(level + 1)] = 0;
        MUST(frames::release(tables[level].pfn()));
        level++;
    }
    if (level == 4) frames::adjust_table_entries(root.pfn(), -1);
    // A freed table was also mapped as data, at its UVPT address: invlpg(va)
    // does not drop that translation, a full flush does.
    if (level > 1) flush_all(root);
    else invalidate(root, va);
    frames::remove_mapping(old_frame);
    return {};
#else
    // LAB 2: Exercise 5. Contract in paging.h: validate the whole path
    // before changing anything; then keep the counts exact and free every
    // page-table page the removal empties, never the root.  Threats: a
    // freed table must not stay reachable through any translation the CPU
    // has cached (that includes the table's own alias in the UVPT window,
    // a different page from va, which the uvptalias check reads), and a
    // data frame its owner released must not become free while the TLB
    // can still reach it.
    (void)root;
    return Error::NotImplemented;
#endif
}

Result<Mapping> lookup(PhysAddr root, VirtAddr va) {
    if (!va.canonical()) return Error::InvalidArgument;
#if SOL >= 2
    constexpr uint64_t kEveryLevel = static_cast<uint64_t>(PageFlags::Writable | PageFlags::User);
    constexpr uint64_t kAnyLevel = static_cast<uint64_t>(PageFlags::NoExecute);
    uint64_t granted = kEveryLevel, forbidden = 0;
    Pte e = 0;
    int level = 4;
    for (PhysAddr table = root;; table = frame_of(e), level--) {
        e = entries(table)[va.index(level)];
        if (!present(e)) return Error::NotMapped;
        granted &= e;
        forbidden |= e & kAnyLevel;
        if (level == 1 || (level < 4 && has(flags_of(e), PageFlags::Large))) break;
    }
    uint64_t offset = va.value & (page_size(level) - 1);
    uint64_t leaf_only = e & mmu::kFlagsMask & ~(kEveryLevel | kAnyLevel);
    if (level == 1) leaf_only &= ~static_cast<uint64_t>(PageFlags::Large);  // bit 7 of a 4 KiB entry: PAT
    uint64_t rights = leaf_only | granted | forbidden;
    return Mapping{PhysAddr((mmu::address_of(e) & ~(page_size(level) - 1)) + offset), static_cast<PageFlags>(rights)};
#else
    // LAB 2: Exercise 10. Contract in paging.h.  The threat is a lookup
    // that reports more than the CPU allows: from lab 3 on, the kernel asks
    // lookup whether a domain may write to a buffer before it copies into
    // it, so a right that some level takes away must not appear in the
    // result (§2.2 of the handout: how rights combine).  Large pages end
    // the walk early, at level 2 (2 MiB) or level 3 (1 GiB).
    (void)root, (void)page_size;
    return Error::NotImplemented;
#endif
}

Result<void> protect(PhysAddr root, VirtAddr va, PageFlags flags) {
    if (!va.page_aligned()) return Error::InvalidArgument;
#if SOL >= 2
    Pte* leaf = TRY(walk(root, va, 1, false, kFrameOwnerKernel));
    if (!present(*leaf)) return Error::NotMapped;
    *leaf = make_pte(frame_of(*leaf), PageFlags::Present | flags);
    invalidate(root, va);
    return {};
#else
    // LAB 2: Exercise 4. Contract in paging.h; it never creates a table.
    // The threat: rights taken away must be gone at once, not when the
    // TLB happens to forget the old entry (the protectwrite test writes to
    // a page it has just made read-only, and expects the fault).
    (void)root, (void)flags;
    return Error::NotImplemented;
#endif
}

#if LAB >= 5
Result<void> link_slot(PhysAddr from, PhysAddr to, VirtAddr va) {
    if (!va.canonical() || va.value % kSlotSpan != 0) return Error::InvalidArgument;
    Pte theirs = entries(from)[va.index(4)];
    Pte& mine = entries(to)[va.index(4)];
    if (!present(theirs)) return Error::NotMapped;
    if (present(mine) || frames::table_links(frame_of(theirs).pfn()) == frames::kMaxTableLinks) return Error::Busy;
    Pte linked = theirs | static_cast<Pte>(PageFlags::Linked);
    entries(from)[va.index(4)] = linked;
    mine = linked;  // the same table, the same (intermediate) rights
    frames::adjust_table_entries(to.pfn(), 1);
    frames::adjust_table_links(frame_of(theirs).pfn(), 1);
    return {};
}

bool still_linked(Pte& slot) {
    if (frames::table_links(frame_of(slot).pfn()) > 0) return true;
    slot &= ~static_cast<Pte>(PageFlags::Linked);  // the other spaces are gone: this one may change it again
    return false;
}

#endif

void destroy(PhysAddr root) {
    if (mmu::is_active(root.value)) panic("paging::destroy of the address space in CR3 (%lx)", root.value);
    destroy_below(root, 4, kWindowsSlot);
    MUST(frames::release(root.pfn()));
}

void invalidate(PhysAddr root, VirtAddr va) { mmu::invalidate(root.value, va.value); }

void flush_all(PhysAddr root) { mmu::flush(root.value); }

}  // namespace paging
