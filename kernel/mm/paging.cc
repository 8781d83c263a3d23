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

// Empties `table` (at `level`, 4 = PML4): frees the tables below it and
// unmaps their leaves, except below PML4 slots >= first_shared_slot, whose
// tables other address spaces share (the windows, the kernel half): those
// entries are only cleared.
void destroy_below(PhysAddr table, int level, unsigned first_shared_slot) {
    Pte* e = entries(table);
    for (unsigned i = 0; i < kEntries; i++) {
        if (!present(e[i])) continue;
        bool shared = level == 4 && i >= first_shared_slot;
        if (!shared && level == 1) {
            frames::remove_mapping(frame_of(e[i]).pfn());
        } else if (!shared && !has(flags_of(e[i]), PageFlags::Large)) {
            destroy_below(frame_of(e[i]), level - 1, first_shared_slot);
            MUST(frames::release(frame_of(e[i]).pfn()));
        }
        e[i] = 0;
        frames::adjust_table_entries(table.pfn(), -1);
    }
}

// How many tables a mapping at `va` (a leaf at `leaf_level`: 1 for 4 KiB, 2
// for 2 MiB) still needs; Busy if a large page already covers va.  Reads
// only: map and map_large call it first, so they fail before they change
// anything (validate, then commit).
Result<size_t> missing_tables(PhysAddr root, VirtAddr va, int leaf_level) {
    PhysAddr table = root;
    for (int level = 4; level > leaf_level; level--) {
        Pte e = entries(table)[va.index(level)];
        if (!present(e)) return static_cast<size_t>(level - leaf_level);
        if (has(flags_of(e), PageFlags::Large)) return Error::Busy;
        table = frame_of(e);
    }
    return size_t{0};
}

}  // namespace

Result<PhysAddr> new_table(uint16_t owner) {
    Pfn pfn = TRY(frames::alloc(FrameKind::PageTable, owner));
    return PhysAddr::from_pfn(pfn);
}

Result<Pte*> walk(PhysAddr root, VirtAddr va, bool create, uint16_t owner) {
    if (!va.canonical()) return Error::InvalidArgument;
#if SOL >= 2
    PhysAddr table = root;
    for (int level = 4; level > 1; level--) {
        Pte* e = &entries(table)[va.index(level)];
        if (!present(*e)) {
            if (!create) return Error::NotMapped;
            PhysAddr next = TRY(new_table(owner));
            *e = make_pte(next, intermediate_flags(va));
            frames::adjust_table_entries(table.pfn(), +1);
        } else if (has(flags_of(*e), PageFlags::Large)) {
            return Error::Busy;
        }
        table = frame_of(*e);
    }
    return &entries(table)[va.index(1)];
#else
    // LAB 2: Exercise 2. Descend from `root` through levels 4, 3 and 2 to
    // the page table (level 1) and return a pointer to va's entry there.
    // A missing table: Error::NotMapped, or with `create` a new_table(owner)
    // linked in with intermediate_flags(va) (count the new entry with
    // frames::adjust_table_entries).  A Large entry on the way: Error::Busy.
    (void)root, (void)create, (void)owner, (void)intermediate_flags;
    return Error::NotImplemented;
#endif
}

Result<void> map(PhysAddr root, VirtAddr va, PhysAddr pa, PageFlags flags, uint16_t owner) {
    if (!va.canonical() || !va.page_aligned() || !pa.page_aligned()) return Error::InvalidArgument;
    if (TRY(missing_tables(root, va, 1)) > frames::free_count()) return Error::NoMemory;
    Pte* e = TRY(walk(root, va, true, owner));
    Pte old = *e;
    frames::add_mapping(pa.pfn());  // before the old one goes: it may be the same frame
    *e = make_pte(pa, flags | PageFlags::Present);
    if (present(old)) {
        frames::remove_mapping(frame_of(old).pfn());
        invalidate(root, va);
    } else {
        frames::adjust_table_entries(table_of(e).pfn(), +1);
    }
    return {};
}

Result<void> map_large(PhysAddr root, VirtAddr va, PhysAddr pa, PageFlags flags, uint16_t owner) {
    if (!va.canonical() || va.value % kLargePageSize != 0 || pa.value % kLargePageSize != 0) {
        return Error::InvalidArgument;
    }
    if (TRY(missing_tables(root, va, 2)) > frames::free_count()) return Error::NoMemory;
    PhysAddr table = root;
    for (int level = 4; level > 2; level--) {
        Pte* e = &entries(table)[va.index(level)];
        if (!present(*e)) {
            PhysAddr next = TRY(new_table(owner));
            *e = make_pte(next, intermediate_flags(va));
            frames::adjust_table_entries(table.pfn(), +1);
        }
        table = frame_of(*e);
    }
    Pte* e = &entries(table)[va.index(2)];
    if (present(*e)) return Error::Busy;
    *e = make_pte(pa, flags | PageFlags::Present | PageFlags::Large);
    frames::adjust_table_entries(table.pfn(), +1);
    return {};
}

Result<void> unmap(PhysAddr root, VirtAddr va) {
    if (!va.canonical() || !va.page_aligned()) return Error::InvalidArgument;
#if SOL >= 2
    PhysAddr path[5];  // path[level]: the table at that level
    path[4] = root;
    for (int level = 4; level > 1; level--) {
        Pte e = entries(path[level])[va.index(level)];
        if (!present(e)) return Error::NotMapped;
        if (has(flags_of(e), PageFlags::Large)) return Error::InvalidArgument;
        path[level - 1] = frame_of(e);
    }
    Pte* leaf = &entries(path[1])[va.index(1)];
    if (!present(*leaf)) return Error::NotMapped;
    PhysAddr old = frame_of(*leaf);
    *leaf = 0;
    bool freed_table = false;
    for (int level = 1; level < 4; level++) {  // free the tables this emptied, bottom up
        if (frames::adjust_table_entries(path[level].pfn(), -1) != 0) break;
        entries(path[level + 1])[va.index(level + 1)] = 0;
        MUST(frames::release(path[level].pfn()));
        freed_table = true;
        if (level == 3) frames::adjust_table_entries(root.pfn(), -1);
    }
    // invlpg(va) drops va's translation and the cached paths to it, but a
    // freed table was also reachable as data through the UVPT window at
    // other addresses: then flush everything.
    if (freed_table) flush_all(root);
    else invalidate(root, va);
    frames::remove_mapping(old.pfn());
    return {};
#else
    // LAB 2: Exercise 3. Find va's leaf entry (remember the table at each
    // level on the way), clear it, then free every table this leaves empty
    // (frames::adjust_table_entries returns the new count; release the
    // table with frames::release and clear its entry in the level above),
    // never the root.  Finish with the TLB: flush_all(root) if a table was
    // freed (its UVPT alias may be cached too), else invalidate(root, va);
    // then frames::remove_mapping() of the old frame.
    (void)root;
    return Error::NotImplemented;
#endif
}

Result<Mapping> lookup(PhysAddr root, VirtAddr va) {
    if (!va.canonical()) return Error::InvalidArgument;
    constexpr uint64_t kAndedRights = static_cast<uint64_t>(PageFlags::Writable | PageFlags::User);
    uint64_t anded = kAndedRights;   // W and U must be granted at every level
    uint64_t ored = 0;               // NX at any level forbids execution
    PhysAddr table = root;
    for (int level = 4; level >= 1; level--) {
        Pte e = entries(table)[va.index(level)];
        if (!present(e)) return Error::NotMapped;
        anded &= e;
        ored |= e & static_cast<uint64_t>(PageFlags::NoExecute);
        if (level == 1 || (level <= 3 && has(flags_of(e), PageFlags::Large))) {
            uint64_t size = page_size(level);
            uint64_t base = mmu::address_of(e) & ~(size - 1);
            uint64_t flags = (e & mmu::kFlagsMask & ~kAndedRights) | anded | ored;
            return Mapping{PhysAddr(base + va.value % size), static_cast<PageFlags>(flags)};
        }
        table = frame_of(e);
    }
    return Error::NotMapped;
}

Result<void> protect(PhysAddr root, VirtAddr va, PageFlags flags) {
    if (!va.page_aligned()) return Error::InvalidArgument;
    Pte* e = TRY(walk(root, va, false, kFrameOwnerKernel));
    if (!present(*e)) return Error::NotMapped;
    *e = make_pte(frame_of(*e), flags | PageFlags::Present);
    invalidate(root, va);
    return {};
}

void destroy(PhysAddr root) {
    destroy_below(root, 4, kWindowsSlot);
    MUST(frames::release(root.pfn()));
}

void invalidate(PhysAddr root, VirtAddr va) { mmu::invalidate(root.value, va.value); }

void flush_all(PhysAddr root) { mmu::flush(root.value); }

}  // namespace paging
