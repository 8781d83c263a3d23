// exolab: lab 2
// kernel/monitor/mm_commands.cc: the monitor's memory commands (lab 2).
#include "monitor/mm_commands.h"

#include "lib/kprintf.h"
#include "lib/string.h"
#include "mm/frames.h"
#include "mm/kspace.h"
#include "mm/paging.h"

namespace monitor {
namespace {

constexpr int kMaxLines = 256;

// Prints the rights paging::lookup gives for a mapping, e.g. "RW- U" or
// "R-X K": effective along the whole path (W and U only if every level
// grants them, X unless some level sets NX), then " COW" and " SHARE" for
// the leaf's software bits.
void print_rights(PageFlags f) {
    kprintf("R%c%c %c%s%s", has(f, PageFlags::Writable) ? 'W' : '-', has(f, PageFlags::NoExecute) ? '-' : 'X',
            has(f, PageFlags::User) ? 'U' : 'K', has(f, PageFlags::Cow) ? " COW" : "",
            has(f, PageFlags::Share) ? " SHARE" : "");
}

bool mm_ready() {
    if (kspace::root().value != 0) return true;
    kprintf("the kernel address space is not set up (see the 'mm:' line at boot)\n");
    return false;
}

}  // namespace

void cmd_frames(int, char**) {
    if (!mm_ready()) return;
    kprintf("%zu frames (%zu KiB), %zu free\n", frames::count(), frames::count() * kPageSize / 1024,
            frames::free_count());
    for (size_t k = 0; k < frames::kKindCount; k++) {
        auto kind = static_cast<FrameKind>(k);
        kprintf("  %-10s %8zu\n", frames::kind_name(kind), frames::count_of(kind));
    }
}

void cmd_showmappings(int argc, char** argv) {
    uint64_t first, last;
    if (argc != 3 || !parse_hex(argv[1], &first) || !parse_hex(argv[2], &last) || last < first) {
        kprintf("usage: showmappings <first va> <last va>   (hexadecimal, first <= last)\n");
        return;
    }
    if (!mm_ready()) return;
    int lines = 0;
    for (uint64_t va = first & ~(kPageSize - 1); va <= last && lines < kMaxLines; lines++) {
        uint64_t step = kPageSize;
        kprintf("  %016lx  ", va);
        Result<paging::Mapping> m = paging::lookup(kspace::root(), VirtAddr(va));
        if (!m.ok()) {
            kprintf("%s\n", m.error() == Error::NotMapped ? "not mapped" : "not canonical");
        } else {
            bool large = has(m.value().flags, PageFlags::Large);
            if (large) step = kLargePageSize - va % kLargePageSize;
            kprintf("-> %016lx  %s  ", m.value().pa.value, large ? "2M" : "4K");
            print_rights(m.value().flags);
            kprintf("\n");
        }
        if (va + step < va) break;  // wrapped around the top of the address space
        va += step;
    }
    if (lines == kMaxLines) kprintf("  ... (stopped after %d lines)\n", kMaxLines);
}

}  // namespace monitor
