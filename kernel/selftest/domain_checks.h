// exolab: lab 3
// kernel/selftest/domain_checks.h: the domain table on its own, run with
// run=domaintable (graded by grade/test_lab3_syscalls.py): create, find,
// is_self_or_descendant and the exported entries, with no program loaded.
#pragma once

namespace selftest {

void domain_table_check();  // prints "check domaintable: ok" or why not

}  // namespace selftest
