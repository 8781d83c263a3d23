// exolab: lab 2
// kernel/mm/frames.h: the frame table, one entry per physical page frame.
//
// The exokernel exposes physical names (DESIGN §3): user code sees frame
// numbers, may ask for a specific frame, and reads this very table through
// the read-only UFRAMES window (the entry layout is abi/frame.h).  Free
// frames form one doubly linked list through prev/next, so both "any free
// frame" and "this particular frame" are O(1).
#pragma once

#include <cstddef>
#include <cstdint>

#include "abi/frame.h"
#include "boot/multiboot2.h"
#include "lib/panic.h"
#include "lib/result.h"
#include "mm/addr.h"

namespace frames {

inline constexpr size_t kKindCount = 6;

inline constexpr Pfn kAnyFrame = 0;            // frame 0 is always Reserved, so 0 means "any"
inline constexpr uint32_t kNoFrame = 0xFFFFFFFF;

// Builds the table from the multiboot2 memory map: Available pages are free
// except the kernel image, the boot information, the kernel's symbols, the
// modules and the table itself.  Fails with NoMemory if the table fits
// nowhere in the first GiB.
Result<void> init(const multiboot::BootInfo& boot);

// Allocates a frame, zeroed, of `kind` for `owner`: any free frame, or
// exactly frame `want` if want != kAnyFrame.
// Errors: NoMemory (none free), InvalidArgument (want beyond the table),
// Busy (want is not free).
Result<Pfn> alloc(FrameKind kind, uint16_t owner, Pfn want = kAnyFrame);

// The owner gives `pfn` up: it has no owner from now on.  The frame becomes
// free at once if no mapping refers to it, otherwise when the last one goes
// (remove_mapping); until then it keeps its kind.
// Errors: InvalidArgument (out of range; a frame with no owner: free, or
// released already; Reserved or Module).
Result<void> release(Pfn pfn);

// Counts one more / one fewer page-table entry that maps `pfn` (frames
// outside the table, such as MMIO, are not counted).  remove_mapping frees
// a released frame when its count reaches 0; a count below 0 is a kernel
// bug (kassert).
void add_mapping(Pfn pfn);  // inline, below
void remove_mapping(Pfn pfn);

// Adds `delta` to the count of present entries of page-table page `pfn`;
// returns the new count.  A count outside 0..512, or a frame that is not a
// page table, is a kernel bug (kassert).
uint32_t adjust_table_entries(Pfn pfn, int delta);  // inline, below

namespace detail {
extern FrameInfo* table;    // set by init(); written only by frames.cc and the functions below
extern size_t frame_count;
}

// The bodies every map runs, inline (the fault upcall's handler maps, DESIGN
// §8): add_mapping, adjust_table_entries, the table's size and `info`.
// `info` is also kept out of line (used), for GDB to call.
inline void add_mapping(Pfn pfn) {
    if (pfn < detail::frame_count) detail::table[pfn].map_count++;
}
inline uint32_t adjust_table_entries(Pfn pfn, int delta) {
    kassert(pfn < detail::frame_count && detail::table[pfn].kind == FrameKind::PageTable);
    int64_t entries = int64_t{detail::table[pfn].map_count} + delta;
    kassert(entries >= 0 && entries <= static_cast<int64_t>(kPageSize / sizeof(uint64_t)));
    detail::table[pfn].map_count = static_cast<uint32_t>(entries);
    return detail::table[pfn].map_count;
}
#if LAB >= 5
// Adds `delta` to the count of the other address spaces that link
// page-table page `pfn` (share_tables); returns the new count.  A count
// outside 0..kMaxTableLinks, or a frame that is not a page table, is a
// kernel bug (kassert).
inline constexpr uint8_t kMaxTableLinks = 255;
inline uint8_t adjust_table_links(Pfn pfn, int delta) {
    kassert(pfn < detail::frame_count && detail::table[pfn].kind == FrameKind::PageTable);
    int links = detail::table[pfn].links + delta;
    kassert(links >= 0 && links <= kMaxTableLinks);
    detail::table[pfn].links = static_cast<uint8_t>(links);
    return detail::table[pfn].links;
}
// The count adjust_table_links keeps, of a page-table page `pfn` found in
// a present entry (unchecked: every map asks, DESIGN §8).
inline uint8_t table_links(Pfn pfn) { return detail::table[pfn].links; }
#endif
inline size_t count() { return detail::frame_count; }  // PFNs 0 .. count-1
[[gnu::used]] inline const FrameInfo& info(Pfn pfn) {
    kassert(pfn < detail::frame_count);
    return detail::table[pfn];
}

size_t free_count();
size_t count_of(FrameKind kind);
const char* kind_name(FrameKind kind);

// Where the table is, for mapping it at UFRAMES.
PhysAddr table_phys();
size_t table_bytes();

}  // namespace frames
