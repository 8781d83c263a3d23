// exolab: lab 2
// kernel/selftest/mm_checks.h: lab 2's memory self-checks, run with
// run=frames, run=pagetable, run=kspace, run=windows, run=uvptalias,
// run=exhaust, run=mmcheck (all of them, with the free count before and after) and
// run=writetext (a store to kernel text, which must fault).
#pragma once

namespace selftest {

void frames_check();
void page_table_check();
void kernel_space_check();
void windows_check();
void uvpt_alias_check();
void exhaustion_check();
void all_mm_checks();
void write_kernel_text();

}  // namespace selftest
