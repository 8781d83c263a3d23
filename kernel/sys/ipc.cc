// exolab: lab 4
// kernel/sys/ipc.cc: ipc_send and ipc_recv (DESIGN §3.2).  The kernel never
// blocks: a receiver waits as a Blocked domain, and a sender whose receiver
// is not waiting gets WouldBlock at once.
#include "abi/perm.h"
#include "domain/slice.h"
#include "mm/frames.h"
#include "mm/paging.h"
#include "sys/syscall.h"

#if SOL >= 4
namespace {

constexpr uint64_t kSendablePerms = PERM_W | PERM_SHARE;

// The page-table flags of a page sent with `perm` (present, user, never
// executable).
PageFlags sent_flags(uint64_t perm) {
    PageFlags granted = PageFlags::User | PageFlags::NoExecute;
    if (perm & PERM_W) granted = granted | PageFlags::Writable;
    if (perm & PERM_SHARE) granted = granted | PageFlags::Share;
    return granted;
}

}  // namespace
#endif

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
    // LAB 4: Exercise 9 (part 1). ipc_send (syscalls.def, DESIGN §3.2):
    // the sender's half of a rendezvous.  A message is delivered only to a
    // receiver that is waiting for one, and the kernel never waits in its
    // place.  Threats: a page is authority, and must arrive with no more
    // rights than the sender holds on it, never executable, and only if it
    // is ordinary user memory (the sender's u-area, its page tables seen
    // through UVPT and the read-only windows are mapped too, and are not
    // the sender's to give); `dom`, `va` and `perm` are any 64-bit numbers;
    // and a refused send changes nothing on either side.
    (void)self, (void)dom, (void)value, (void)va, (void)perm;
    return Error::NotImplemented;
#endif
}

Result<int64_t> syscall::sys_ipc_recv(domain::Domain& self, const TrapFrame& caller, uint64_t va, uint64_t then) {
#if SOL >= 4
    if (va != 0) TRY(check_user_page(va));
    // The cheap tests first: root() scans the domain table.
    if (self.upcall_entry != 0 && self.uarea->masked && &self == domain::root()) return Error::InvalidArgument;
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
    // LAB 4: Exercise 9 (part 2). ipc_recv (syscalls.def): the
    // receiver's half.  The kernel has one stack and cannot wait inside a
    // call, so "blocks until a message arrives" must be made of states and
    // of what the caller resumes when the message has come.  `then` is the
    // fast path of a request and its reply.  Threats: the root scheduler
    // must not block inside its own handler (upcalls masked): nobody would
    // be left to schedule; `va` and `then` are numbers the domain chose,
    // checked as yield checks its target; a refused call leaves the
    // caller running.
    (void)self, (void)caller, (void)va, (void)then;
    return Error::NotImplemented;
#endif
}
