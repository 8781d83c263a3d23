// exolab: lab 5
// kernel/sys/share.cc: share_tables, one PML4 slot's page tables linked
// into a descendant (DESIGN §3.5): the file system's region, the same frames
// in every domain that uses it, costs spawn one call instead of a map per
// page.
#include "abi/layout.h"
#include "mm/paging.h"
#include "sys/syscall.h"

// The authority is map's second source (check_passed_on), for every page of
// the slot at once: the caller passes on exactly what it maps there, at the
// same addresses, with the same rights, to a descendant.  What keeps it
// that way is the freeze: while a slot's tables are linked, no one maps or
// unmaps in it (paging::link_slot), so neither side can later change what
// the other sees, or free a table the other still walks.
Result<int64_t> syscall::sys_share_tables(domain::Domain& self, uint64_t dom, uint64_t va) {
    constexpr uint64_t kSpan = paging::kSlotSpan;
    bool user_slot = va % kSpan == 0 && va >= kUserBase && va < kUserTop && kUserTop - va >= kSpan;
    if (!user_slot || va / kSpan == UAREA / kSpan) return Error::InvalidArgument;
    domain::Domain& child = *TRY(target_domain(self, dom));
    if (&child == &self) return Error::InvalidArgument;  // its own tables: nothing to link
    TRY(paging::link_slot(self.root, child.root, VirtAddr(va)));
    return 0;
}
