// exolab: lab 4
// user/lib/fork.h: copy-on-write fork and wait, built from domain_create,
// map and a page-fault handler (DESIGN §3.3, §4).
#pragma once

#include <cstdint>

// Creates a child domain that is a copy of this one and makes it runnable.
// Returns the child's id in the parent and 0 in the child, or -Error.
// Private pages are shared copy-on-write (read-only, PERM_COW, in both);
// PERM_SHARE pages stay shared and writable; read-only pages are shared.
// The child gets a fresh upcall stack and private copies of the
// .upcall_data pages and of the whole stack fork runs on (the mapped pages
// contiguous with rsp's); everything else is copied on its first write.
int64_t fork();

// Waits until child `dom` has exited, giving the CPU away meanwhile.
// Returns 0, or -NoSuchDomain if dom is not a child of this domain.
#if LAB >= 5
// From lab 5, a child made while this domain had the file system's region
// leaves its exit status there (lib/exits.h): wait returns it (0-255, or
// exits::kKilled), even when the child ended before the wait began.
#endif
int64_t wait(uint64_t dom);
