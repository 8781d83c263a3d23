// exolab: lab 2
// kernel/mm/frames.cc: the frame table and the free list.
#include "mm/frames.h"

#include "lib/align.h"
#include "lib/elf.h"
#include "arch/x86_64/sections.h"
#include "lib/string.h"


namespace frames {
namespace detail {
FrameInfo* table = nullptr;
size_t frame_count = 0;
}  // namespace detail

namespace {

using detail::table;
using detail::frame_count;

size_t free_frames = 0;
uint32_t free_head = kNoFrame;
PhysAddr table_start;
size_t table_size = 0;

constexpr uint64_t kElfSectionAlloc = 0x2;  // SHF_ALLOC: part of the loaded image

struct Range {
    uint64_t start, end;  // physical, end exclusive
    FrameKind kind;
};

constexpr size_t kMaxReserved = 8 + multiboot::kMaxModules + 64;

// Everything in Available RAM that is already in use at boot.
struct ReservedRanges {
    Range ranges[kMaxReserved];
    size_t count = 0;

    void add(uint64_t start, uint64_t end, FrameKind kind) {
        if (count < kMaxReserved && end > start) ranges[count++] = {start, end, kind};
    }
};

void collect_reserved(const multiboot::BootInfo& boot, ReservedRanges& r) {
    r.add(KERNEL_LOAD_PHYS, reinterpret_cast<uint64_t>(kernel_end) - kKernelBase, FrameKind::Kernel);
    r.add(boot.info_start, boot.info_end, FrameKind::Kernel);
    for (size_t i = 0; i < boot.module_count; i++) r.add(boot.modules[i].start, boot.modules[i].end, FrameKind::Module);
    for (size_t i = 0; i < boot.section_count; i++) {  // every non-ALLOC section GRUB copied (.symtab, .strtab, debug info)
        const elf::SectionHeader& s = boot.sections[i];
        if (!(s.flags & kElfSectionAlloc) && s.addr != 0) r.add(s.addr, s.addr + s.size, FrameKind::Kernel);
    }
}

// The first page-aligned address in Available RAM, at or above 1 MiB and
// inside the boot mapping, where `bytes` overlap no reserved range.
Result<uint64_t> place_table(const multiboot::BootInfo& boot, const ReservedRanges& r, uint64_t bytes) {
    for (size_t i = 0; i < boot.region_count; i++) {
        const multiboot::MemoryRegion& region = boot.regions[i];
        if (region.type != multiboot::RegionType::Available) continue;
        uint64_t start = round_up(region.base < 0x100000 ? 0x100000 : region.base, kPageSize);
        uint64_t end = region.base + region.length;
        for (bool moved = true; moved;) {
            moved = false;
            for (size_t k = 0; k < r.count; k++) {
                if (start < r.ranges[k].end && r.ranges[k].start < start + bytes) {
                    start = round_up(r.ranges[k].end, kPageSize);
                    moved = true;
                }
            }
        }
        if (start + bytes <= end && start + bytes <= kBootMappedBytes) return start;
    }
    return Error::NoMemory;
}

void mark(uint64_t start, uint64_t end, FrameKind kind) {
    for (Pfn p = round_down(start, kPageSize) / kPageSize; p < round_up(end, kPageSize) / kPageSize; p++) {
        if (p < frame_count) table[p] = {kFrameOwnerKernel, kind, 0, 0, kNoFrame, kNoFrame};
    }
}

// The free list: a doubly linked list of PFNs through FrameInfo::prev/next,
// headed by free_head; kNoFrame ends it.
//
//   free_head -> [a] <-> [b] <-> [c] -> kNoFrame
//
// free_list_push(pfn) makes frame pfn free (kind Free, no owner, no
// mappings) and puts it at the head; free_list_remove(pfn) unlinks a Free
// frame from wherever it sits, in O(1), and clears its links.  Both keep
// free_frames equal to the length of the list.
void free_list_push(Pfn pfn) {
#if SOL >= 2
    uint32_t old_head = free_head;
    table[pfn] = {kFrameNoOwner, FrameKind::Free, 0, 0, kNoFrame, old_head};
    if (old_head != kNoFrame) table[old_head].prev = static_cast<uint32_t>(pfn);
    free_head = static_cast<uint32_t>(pfn);
    ++free_frames;
#else
    // LAB 2: Exercise 1. Contract above.  The list must stay consistent in
    // both directions: `alloc(want)` unlinks from the middle, and a prev
    // link left pointing at a frame that is no longer free corrupts the
    // list the next time that neighbour is taken.
    (void)pfn;
#endif
}

void free_list_remove(Pfn pfn) {
#if SOL >= 2
    uint32_t before = table[pfn].prev, after = table[pfn].next;
    if (before == kNoFrame) free_head = after;
    else table[before].next = after;
    if (after != kNoFrame) table[after].prev = before;
    table[pfn].prev = kNoFrame;
    table[pfn].next = kNoFrame;
    --free_frames;
#else
    // LAB 2: Exercise 1. Contract above: O(1) wherever pfn sits (head,
    // middle or tail), never a walk of the list.
    (void)pfn;
#endif
}

}  // namespace

Result<void> init(const multiboot::BootInfo& boot) {
    multiboot::MemorySummary memory = multiboot::summarize_memory(boot);
    if (memory.top_usable == 0) return Error::InvalidArgument;  // lab 1's summary is missing
    frame_count = round_up(memory.top_usable, kPageSize) / kPageSize;
    if (frame_count >= kNoFrame) return Error::NoMemory;

    ReservedRanges reserved;
    collect_reserved(boot, reserved);
    table_size = round_up(frame_count * sizeof(FrameInfo), kPageSize);
    table_start = PhysAddr(TRY(place_table(boot, reserved, table_size)));
    reserved.add(table_start.value, table_start.value + table_size, FrameKind::Kernel);
    table = table_start.to_virt<FrameInfo>();

    mark(0, frame_count * kPageSize, FrameKind::Reserved);
    for (size_t i = 0; i < reserved.count; i++) mark(reserved.ranges[i].start, reserved.ranges[i].end, reserved.ranges[i].kind);

    // Push from the top down so the list runs upwards from the lowest frame.
    free_head = kNoFrame;
    free_frames = 0;
    for (size_t i = boot.region_count; i-- > 0;) {
        const multiboot::MemoryRegion& region = boot.regions[i];
        if (region.type != multiboot::RegionType::Available) continue;
        Pfn first = round_up(region.base, kPageSize) / kPageSize;
        Pfn last = round_down(region.base + region.length, kPageSize) / kPageSize;
        for (Pfn p = last; p-- > first;) {
            if (p != 0 && table[p].kind == FrameKind::Reserved) free_list_push(p);
        }
    }
    return {};
}

Result<Pfn> alloc(FrameKind kind, uint16_t owner, Pfn want) {
#if SOL >= 2
    if (want != kAnyFrame && want >= frame_count) return Error::InvalidArgument;
    Pfn chosen = want == kAnyFrame ? free_head : want;
    if (chosen == kNoFrame) return Error::NoMemory;
    if (table[chosen].kind != FrameKind::Free) return Error::Busy;
    free_list_remove(chosen);
    table[chosen].owner = owner;
    table[chosen].kind = kind;
    table[chosen].map_count = 0;
    memset(PhysAddr::from_pfn(chosen).to_virt<uint8_t>(), 0, kPageSize);
    return chosen;
#else
    // LAB 2: Exercise 1. Contract in frames.h: any free frame, or exactly
    // frame `want` (an exposed physical name: a domain may ask for one in
    // lab 3), zeroed, recorded as `kind` for `owner`.  Validate before you
    // touch the list: a failed alloc changes nothing.  The threat is the
    // previous owner: a frame handed out with its old contents leaks them,
    // and a page table that does not start empty maps garbage.  The frame
    // is a physical address; the kernel reaches it only through the
    // physmap (PhysAddr::to_virt).
    (void)kind, (void)owner, (void)want, (void)free_list_remove;
    return Error::NotImplemented;
#endif
}

Result<void> release(Pfn pfn) {
#if SOL >= 2
    if (pfn >= frame_count) return Error::InvalidArgument;
    FrameInfo& frame = table[pfn];
    bool owned = frame.kind == FrameKind::Kernel || frame.kind == FrameKind::PageTable || frame.kind == FrameKind::User;
    if (!owned || frame.owner == kFrameNoOwner) return Error::InvalidArgument;
    frame.owner = kFrameNoOwner;
    if (frame.map_count == 0) free_list_push(pfn);
    return {};
#else
    // LAB 2: Exercise 2. Contract in frames.h.  The threat: a frame that
    // some page-table entry still maps must not go back on the free list,
    // or its next owner shares it with whoever holds that mapping.  Such a
    // frame stays out of the list, with no owner, until remove_mapping
    // drops its last mapping.  Only frames someone owns can be released:
    // never a Free, Reserved or Module frame, and never one twice.
    (void)pfn;
    return Error::NotImplemented;
#endif
}

void remove_mapping(Pfn pfn) {
    if (pfn >= frame_count) return;
#if SOL >= 2
    kassert(table[pfn].map_count > 0);
    table[pfn].map_count--;
    bool released = table[pfn].owner == kFrameNoOwner && table[pfn].kind != FrameKind::Free;
    if (released && table[pfn].map_count == 0) free_list_push(pfn);
#else
    // LAB 2: Exercise 2. Contract in frames.h: one fewer entry maps pfn;
    // a frame released earlier becomes free with its last mapping, not
    // before.  A count that would go below 0 is a kernel bug.
#endif
}

size_t free_count() { return free_frames; }

size_t count_of(FrameKind kind) {
    size_t n = 0;
    for (size_t p = 0; p < frame_count; p++) n += table[p].kind == kind;
    return n;
}

const char* kind_name(FrameKind kind) {
    switch (kind) {
        case FrameKind::Free: return "free";
        case FrameKind::Kernel: return "kernel";
        case FrameKind::PageTable: return "page table";
        case FrameKind::User: return "user";
        case FrameKind::Reserved: return "reserved";
        case FrameKind::Module: return "module";
    }
    return "?";
}

PhysAddr table_phys() { return table_start; }
size_t table_bytes() { return table_size; }

}  // namespace frames
