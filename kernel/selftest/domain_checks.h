// exolab: lab 3
// kernel/selftest/domain_checks.h: lab 3's kernel self-checks (graded by
// grade/test_lab3_syscalls.py), with no program loaded: run=domaintable
// (create, find, is_self_or_descendant, the exported entries and
// syscall::target_domain), run=usermem (check, copy_in and copy_out on
// a domain made for it) and run=destroy (what domain::destroy gives back).
#pragma once

#include "domain/domain.h"
#include "lib/result.h"

namespace selftest {

// Runs check(d) on a new domain named `name`, then destroys it; fails if
// the check failed or a frame did not come back.
Result<void> on_fresh_domain(const char* name, Result<void> (*check)(domain::Domain&));

void domain_table_check();  // prints "check domaintable: ok" or why not
void usermem_check();       // prints "check usermem: ok" or why not
void destroy_check();       // prints "check destroy: ok" or why not

}  // namespace selftest
