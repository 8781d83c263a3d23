// exolab: lab 3
// user/lib/windows.cc: walking UVPT and UFRAMES (see windows.h).
#include "lib/windows.h"

uint64_t entry_address(uint64_t va, int level) {
    uint64_t address = va;
    for (int i = 0; i < level; i++) {
        address = UVPT + ((address & 0x0000FFFFFFFFFFFF) >> 12) * 8;
    }
    return address;
}

uint64_t lookup_pte(uint64_t va) {
    for (int level = 4; level >= 1; level--) {
        uint64_t entry = *reinterpret_cast<const volatile uint64_t*>(entry_address(va, level));
        if (!(entry & kPtePresent)) return 0;
        if (level == 1 || (level <= 3 && (entry & kPteLarge))) return entry;
    }
    return 0;
}

size_t frame_table_entries() {
    uint64_t va = UFRAMES;
    while (va < UDOMAINS && (lookup_pte(va) & kPtePresent)) va += PAGE_SIZE;
    return (va - UFRAMES) / sizeof(FrameInfo);
}

size_t count_frames(FrameKind kind) {
    const FrameInfo* table = frame_table();
    size_t entries = frame_table_entries();
    size_t count = 0;
    for (size_t pfn = 0; pfn < entries; pfn++) {
        if (table[pfn].kind != kind) continue;
        if (kind == FrameKind::Free && table[pfn].owner != kFrameNoOwner) continue;
        count++;
    }
    return count;
}
