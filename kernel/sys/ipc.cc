// exolab: lab 4
// kernel/sys/ipc.cc: ipc_send and ipc_recv (DESIGN §3.2).  The kernel never
// blocks: a receiver waits as a Blocked domain, and a sender whose receiver
// is not waiting gets WouldBlock at once.
#include "abi/perm.h"
#include "domain/slice.h"
#include "mm/frames.h"
#include "mm/paging.h"
#include "sys/syscall.h"

namespace {

constexpr uint64_t kSendablePerms = PERM_W | PERM_SHARE;

// The page-table flags of a page sent with `perm` (present, user, never
// executable).
PageFlags sent_flags(uint64_t perm) {
    PageFlags f = PageFlags::User | PageFlags::NoExecute;
    if (perm & PERM_W) f = f | PageFlags::Writable;
    if (perm & PERM_SHARE) f = f | PageFlags::Share;
    return f;
}

}  // namespace

Result<int64_t> syscall::sys_ipc_send(domain::Domain& self, uint64_t dom, uint64_t value, uint64_t va, uint64_t perm) {
#if SOL >= 4
    domain::Domain* target = domain::find(dom);
    if (target == nullptr) return Error::NoSuchDomain;
    if (target == &self) return Error::InvalidArgument;
    if (domain::info(*target).state != DomainState::Blocked) return Error::WouldBlock;
    bool page = va != 0 && target->recv_va != 0;
    if (va != 0) {
        TRY(syscall::check_user_page(va));  // not UAREA, not a window
        if (perm & ~kSendablePerms) return Error::InvalidArgument;
        Result<paging::Mapping> m = paging::lookup(self.root, VirtAddr(va));
        if (!m.ok()) return Error::BadAddress;
        const paging::Mapping& mine = m.value();
        if ((perm & PERM_W) && !has(mine.flags, PageFlags::Writable)) return Error::AccessDenied;
        if (frames::info(mine.pa.pfn()).kind != FrameKind::User) return Error::AccessDenied;
        if (page) {
            TRY(paging::map(target->root, VirtAddr(target->recv_va), PhysAddr::from_pfn(mine.pa.pfn()),
                            sent_flags(perm), target->id));
        }
    }
    UArea& u = *target->uarea;
    u.ipc_value = value;
    u.ipc_sender = self.id;
    u.ipc_perm = page ? (perm | kIpcPageSent) : 0;
    target->recv_va = 0;
    domain::info(*target).state = DomainState::Runnable;
    return 0;
#else
    // LAB 4: Exercise 9 (part 1). Deliver `value`, and the page mapped at
    // `va` in the caller if va != 0, to `dom`, which must be waiting in
    // ipc_recv (else WouldBlock: the kernel never waits for a receiver).
    // The page goes where the receiver asked (its recv_va; nowhere if 0),
    // with the rights `perm` (kSendablePerms only, sent_flags) and never
    // more than the caller's own mapping grants: a read-only page must not
    // arrive writable, and only user frames travel (the caller's u-area or
    // a window must not).  The receiver learns value, sender and perm
    // (kIpcPageSent set if a page came) from its u-area and becomes
    // Runnable; the caller keeps the CPU.  Validate everything first: a
    // refused send changes nothing.  Errors: syscalls.def's line.
    (void)self, (void)dom, (void)value, (void)va, (void)perm, (void)sent_flags, (void)kSendablePerms;
    return Error::NotImplemented;
#endif
}

Result<int64_t> syscall::sys_ipc_recv(domain::Domain& self, const TrapFrame& caller, uint64_t va, uint64_t then) {
#if SOL >= 4
    if (va != 0) TRY(check_user_page(va));
    if (&self == domain::root() && self.upcall_entry != 0 && self.uarea->masked) return Error::InvalidArgument;
    domain::Domain* next = nullptr;
    if (then != 0) {
        next = domain::find(then);
        if (next == nullptr) return Error::NoSuchDomain;
        if (next == &self) return Error::InvalidArgument;
        bool related = domain::is_self_or_descendant(*next, self) || domain::is_self_or_descendant(self, *next);
        if (!related) return Error::AccessDenied;
    }
    self.recv_va = va;
    domain::info(self).state = DomainState::Blocked;
    domain::end_slice_in_call(caller, DomainState::Blocked, domain::SliceEnd::Block);
    if (next != nullptr && domain::info(*next).state == DomainState::Runnable) {
        domain::give_cpu(*next, UpcallReason::Resume, self.id);
    }
    domain::notify_root(UpcallReason::Blocked, self.id);
#else
    // LAB 4: Exercise 9 (part 2). Block the caller until a message comes:
    // remember where a page may go (`va`, a user page, or 0 for none), make
    // it Blocked, end its slice (end_slice_in_call) so that ipc_send's
    // wake-up resumes it with 0 returned.  Then the CPU goes on: to `then`
    // if the caller named one that may run now (yield's rule: an ancestor
    // or a descendant, Runnable), which is how a reply comes back without
    // a pass through the root scheduler; otherwise the root scheduler hears
    // Blocked, about the caller.
    // Threats: the root scheduler itself must not block with upcalls
    // masked, inside its own handler: nobody would be left to schedule
    // (InvalidArgument); `then` is a number the domain chose; and a refused
    // call leaves the caller running, not Blocked.
    (void)self, (void)caller, (void)va, (void)then;
    return Error::NotImplemented;
#endif
}
