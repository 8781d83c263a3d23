// exolab: lab 2
// kernel/selftest/mm_checks.h: lab 2's memory self-checks, run with
// run=frames, run=release, run=walk, run=pagetable, run=unmap (mm_checks.cc),
// run=lookup, run=exhaust, run=kspace, run=windows, run=uvptread, run=uvptalias
// (space_checks.cc), run=mmcheck (all of them, with the free count before
// and after), run=writetext (a store to kernel text, which must fault) and
// run=protectwrite and run=mapwrite (a store to a page protect, or map of
// the same frame, just made read-only, which must fault).
#pragma once

#include "abi/layout.h"
#include "lib/result.h"
#include "mm/addr.h"

namespace selftest {

// Shared by the checks of mm_checks.cc and space_checks.cc.
inline constexpr uint16_t kTestOwner = 7;
inline constexpr VirtAddr kTestVa(0x400000);
inline constexpr VirtAddr kTestVaFar(0x0000008000400000);  // another PML4 slot: its own PDPT, PD and PT

// Ok once the kernel address space is built (kspace::init succeeded).
Result<void> mm_ready();

// The checks of space_checks.cc, for all_mm_checks.
Result<void> check_lookup();
Result<void> check_exhaustion();
Result<void> check_kernel_space();
Result<void> check_windows();
Result<void> check_window_reader();
Result<void> check_uvpt_alias();

void frames_check();
void release_check();
void walk_check();
void page_table_check();
void unmap_check();
void lookup_check();
void exhaustion_check();
void kernel_space_check();
void windows_check();
void window_reader_check();
void uvpt_alias_check();
void all_mm_checks();
void write_kernel_text();
void write_protected_page();
void write_remapped_page();

}  // namespace selftest
