// exolab: lab 3
// kernel/sys/memory.cc: frame_alloc, frame_free, map and unmap: secure
// bindings (DESIGN §3): authority is checked here, once, when a mapping is
// made; afterwards the MMU enforces it.
#include "abi/layout.h"
#include "abi/perm.h"
#include "mm/frames.h"
#include "mm/paging.h"
#include "sys/syscall.h"

namespace syscall {
namespace {

// The page-table rights for map's perm bits: always present and user;
// readable; W, X, COW and SHARE as asked.
PageFlags flags_for(uint64_t perm) {
    PageFlags f = PageFlags::User;
    if (perm & PERM_W) f = f | PageFlags::Writable;
    if (!(perm & PERM_X)) f = f | PageFlags::NoExecute;
    if (perm & PERM_COW) f = f | PageFlags::Cow;
    if (perm & PERM_SHARE) f = f | PageFlags::Share;
    return f;
}

// May `self` map frame `pfn` into `target`?  Only user frames owned by
// self, by one of self's descendants, or by target itself.
// Errors: InvalidArgument (no such frame), AccessDenied.
[[gnu::always_inline]] inline Result<void> check_frame_authority(domain::Domain& self, domain::Domain& target, uint64_t pfn) {
#if SOL >= 3
    if (pfn >= frames::count()) return Error::InvalidArgument;
    const FrameInfo& f = frames::info(pfn);
    if (f.kind != FrameKind::User) return Error::AccessDenied;
    if (f.owner == self.id || f.owner == target.id) return {};  // the common case, without a search
    domain::Domain* owner = domain::find(f.owner);
    if (owner == nullptr) return Error::AccessDenied;  // released, or the kernel's
    if (owner != &target && !domain::is_self_or_descendant(*owner, self)) return Error::AccessDenied;
    return {};
#else
    // LAB 3: Exercise 3. The rule of DESIGN §3.2 for map: a user frame
    // that self, a descendant of self, or target owns.  A number beyond
    // the frame table is InvalidArgument, any other refusal AccessDenied.
    // Threat: the frame table also records kernel frames, page tables,
    // free and released frames; each, mapped into user space, hands a
    // domain memory that another party still uses.
    (void)self, (void)target, (void)pfn;
    return Error::NotImplemented;
#endif
}

#if LAB >= 4
// Lab 4's second source of authority: `self` itself maps frame `pfn` at
// `va` with rights at least `flags` (Writable and executable as asked).
// A forked child re-maps its parent's copy-on-write frames this way into
// its own children: it passes on what it can reach, at the same address,
// and never more.  Errors: AccessDenied.
Result<void> check_passed_on(domain::Domain& self, uint64_t va, uint64_t pfn, PageFlags flags) {
#if SOL >= 4
    Result<paging::Mapping> mine = paging::lookup(self.root, VirtAddr(va));
    bool same_page = mine.ok() && mine.value().pa.pfn() == pfn && !has(mine.value().flags, PageFlags::Large);
    if (!same_page) return Error::AccessDenied;
    PageFlags have = mine.value().flags;
    if (has(flags, PageFlags::Writable) && !has(have, PageFlags::Writable)) return Error::AccessDenied;
    if (!has(flags, PageFlags::NoExecute) && has(have, PageFlags::NoExecute)) return Error::AccessDenied;
    return {};
#else
    // LAB 4: Exercise 8. The rule of the comment above, as a check that
    // map can rely on.  Threat: this is a source of authority.  Anything
    // looser than "the caller can already reach exactly this, here" lets a
    // domain map frames it cannot reach, or raise its rights on frames it
    // can (think of every kind of entry a lookup may land on, and of
    // every right a page-table entry carries).
    (void)self, (void)va, (void)pfn, (void)flags;
    return Error::AccessDenied;
#endif
}
#endif

// The authority map needs to install frame `pfn` at `va` in `target` with
// rights `flags`, from `self`: check_frame_authority's rule, and from lab 4
// also a mapping self already has (check_passed_on).
// Errors: InvalidArgument (no such frame), AccessDenied.
[[gnu::always_inline]] inline Result<void> check_map_authority(domain::Domain& self, domain::Domain& target, uint64_t va, uint64_t pfn,
                                 PageFlags flags) {
#if LAB >= 4
    if (Result<void> owned = check_frame_authority(self, target, pfn); !owned.ok()) {
        if (owned.error() != Error::AccessDenied) return owned.error();
        TRY(check_passed_on(self, va, pfn, flags));
    }
    return {};
#else
    (void)va, (void)flags;
    return check_frame_authority(self, target, pfn);
#endif
}

// Everything map checks before it maps frame `pfn` at `va` in `target`
// for `self`, the request as syscalls.def states it (perm as the caller
// passed it); map and, from lab 4, map_runs (for each of its pages) rely
// on it and change nothing when it fails.  Errors: those of map's contract
// that depend on va, pfn and perm.
[[gnu::always_inline]] inline Result<void> check_map(domain::Domain& self, domain::Domain& target, uint64_t va, uint64_t pfn, uint64_t perm) {
#if SOL >= 3
    TRY(check_user_page(va));
    if (perm & ~static_cast<uint64_t>(PERM_ALL)) return Error::InvalidArgument;
    return check_map_authority(self, target, va, pfn, flags_for(perm));
#else
    // LAB 3: Exercise 14 (validation), with the helpers above
    // (check_user_page below, check_map_authority, flags_for).  Threat:
    // every argument is the caller's choice, and whatever this lets
    // through, map installs in a page table.
    (void)self, (void)target, (void)va, (void)pfn, (void)perm, (void)flags_for, (void)check_map_authority;
    return Error::NotImplemented;
#endif
}

// Whether `va` is a page a domain may name in map and unmap: lab 3's rule of
// check_user_page (syscall.h).
bool mappable(uint64_t va) {
#if SOL >= 3
    return va % kPageSize == 0 && va >= kUserBase && va < kUserTop;
#else
    // LAB 3: Exercise 14 (see check_user_page in syscall.h).  Threat:
    // every address a domain names is checked here before map or unmap
    // touches its tables; the windows above USER_TOP and the kernel half
    // are mapped in its tables too, and a user mapping there would
    // replace them.
    (void)va;
    return false;
#endif
}

}  // namespace

Result<void> check_user_page(uint64_t va) {
    if (!mappable(va)) return Error::InvalidArgument;
#if LAB >= 4
    if (va == UAREA) return Error::InvalidArgument;  // the u-area stays the kernel's frame
#endif
    return {};
}

Result<domain::Domain*> target_domain(domain::Domain& self, uint64_t id) {
#if SOL >= 3
    if (id == 0) return &self;
    domain::Domain* named = domain::find(id);
    if (named == nullptr) return Error::NoSuchDomain;
    if (!domain::is_self_or_descendant(*named, self)) return Error::AccessDenied;
    return named;
#else
    // LAB 3: Exercise 7. The domain a call names by `id`, a register the
    // caller chose: 0 is self, and so is self's own id.  An id naming no
    // live domain is NoSuchDomain; a live domain that is neither self nor
    // a descendant of self is AccessDenied (DESIGN §3: a domain has
    // authority over its own subtree only).  Threat: the whole 64-bit
    // register is the argument; a domain id is narrower.
    (void)self, (void)id;
    return Error::NotImplemented;
#endif
}

}  // namespace syscall

Result<int64_t> syscall::sys_frame_alloc(domain::Domain& self, uint64_t want) {
#if SOL >= 3
    Pfn pfn = TRY(frames::alloc(FrameKind::User, self.id, want));
    domain::info(self).frames++;
    return static_cast<int64_t>(pfn);
#else
    // LAB 3: Exercise 8 (with frame_free below): syscalls.def's contract
    // of frame_alloc, on frames::alloc; the exported count of self's
    // frames (DomainInfo::frames) stays true.  Threat: `want` is the
    // caller's whole register, and a frame it names may be anybody's.
    (void)self, (void)want;
    return Error::NotImplemented;
#endif
}

Result<int64_t> syscall::sys_frame_free(domain::Domain& self, uint64_t pfn) {
#if SOL >= 3
    if (pfn >= frames::count()) return Error::InvalidArgument;
    const FrameInfo& frame = frames::info(pfn);
    if (frame.kind != FrameKind::User || frame.owner != self.id) return Error::AccessDenied;
    TRY(frames::release(pfn));
    domain::info(self).frames--;
    return 0;
#else
    // LAB 3: Exercise 8. Gives up self's ownership of user frame `pfn`
    // (frames::release: it becomes free once no mapping refers to it) and
    // keeps the exported count of self's frames (DomainInfo::frames) true:
    // domain::destroy relies on it.  A number beyond the frame table is
    // InvalidArgument; a frame that is not a user frame of self's is
    // AccessDenied.  Threat: a domain owns more than its user frames (its
    // page tables, from lab 4 its u-area), and a frame it freed once is no
    // longer its own.
    (void)self, (void)pfn;
    return Error::NotImplemented;
#endif
}

Result<int64_t> syscall::sys_map(domain::Domain& self, uint64_t dom, uint64_t va, uint64_t pfn, uint64_t perm) {
#if SOL >= 3
    domain::Domain& target = *TRY(target_domain(self, dom));
    TRY(check_map(self, target, va, pfn, perm));
    TRY(paging::map(target.root, VirtAddr(va), PhysAddr::from_pfn(pfn), flags_for(perm), target.id));
    return 0;
#else
    // LAB 3: Exercise 14 (commit). syscalls.def's contract of map, on
    // target_domain, check_map and paging::map.  Validate everything,
    // then commit (as seL4 splits every call): a call that fails has
    // changed nothing, not the mapping already at va, not a page table.
    // Threat: a refused call that has already replaced a mapping or built
    // a table is itself the exploit.
    (void)self, (void)dom, (void)va, (void)pfn, (void)perm, (void)check_map;
    return Error::NotImplemented;
#endif
}

#if LAB >= 4
Result<int64_t> syscall::sys_map_runs(domain::Domain& self, uint64_t dom, UserPtr<const MapRun> runs, uint64_t count) {
    domain::Domain* target = TRY(target_domain(self, dom));
    if (count > kMaxMapRuns) return Error::InvalidArgument;
    MapRun run[kMaxMapRuns];
    TRY(usermem::copy_in(self, run, runs, count));
    uint64_t pages = 0;
    for (uint64_t at = 0; at < count; at++) {  // every page checked before any is mapped
        if (run[at].pages == 0 || run[at].pages > kMaxMapPages - pages) return Error::InvalidArgument;
        pages += run[at].pages;
        for (uint64_t k = 0; k < run[at].pages; k++) {
            TRY(check_map(self, *target, run[at].va + k * kPageSize, run[at].pfn + k, run[at].perm));
        }
#if LAB >= 5
        // map refuses a linked slot only as it maps; here it is checked with
        // the rest.  A run is far shorter than a slot: its ends tell.
        uint64_t last = run[at].va + (run[at].pages - 1) * kPageSize;
        if (paging::in_linked_slot(target->root, VirtAddr(run[at].va)) ||
            paging::in_linked_slot(target->root, VirtAddr(last))) {
            return Error::Busy;
        }
#endif
    }
    for (uint64_t at = 0; at < count; at++) {
        TRY(paging::map_range(target->root, VirtAddr(run[at].va), PhysAddr::from_pfn(run[at].pfn), run[at].pages,
                              flags_for(run[at].perm), target->id));
    }
    return static_cast<int64_t>(pages);
}
#else
Result<int64_t> syscall::sys_map_runs(domain::Domain&, uint64_t, UserPtr<const MapRun>, uint64_t) {
    return Error::NotImplemented;
}
#endif

Result<int64_t> syscall::sys_unmap(domain::Domain& self, uint64_t dom, uint64_t va) {
#if SOL >= 3
    domain::Domain& target = *TRY(target_domain(self, dom));
    TRY(check_user_page(va));
    TRY(paging::unmap(target.root, VirtAddr(va)));
    return 0;
#else
    // LAB 3: Exercise 14 (unmap): syscalls.def's contract, on
    // paging::unmap, validated as map is.  Threat: the address is the
    // caller's choice, and the windows and the kernel half are mapped in
    // its tables too.
    (void)self, (void)dom, (void)va;
    return Error::NotImplemented;
#endif
}
