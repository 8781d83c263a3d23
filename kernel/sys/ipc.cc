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
    domain::Domain* target = domain::find(dom);
    if (target == nullptr) return Error::NoSuchDomain;
    if (target == &self) return Error::InvalidArgument;
    if (domain::info(*target).state != DomainState::Blocked) return Error::WouldBlock;
    bool page = va != 0 && target->recv_va != 0;
    if (va != 0) {
        TRY(check_user_page(va));
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
}

Result<int64_t> syscall::sys_ipc_recv(domain::Domain& self, const TrapFrame& caller, uint64_t va) {
    if (va != 0) TRY(check_user_page(va));
    if (&self == domain::root() && self.upcall_entry != 0 && self.uarea->masked) return Error::InvalidArgument;
    self.recv_va = va;
    TrapFrame resume = caller;
    resume.rax = 0;
    domain::info(self).state = DomainState::Blocked;
    domain::end_slice(resume, DomainState::Blocked, domain::SliceEnd::Block);
    domain::notify_root(UpcallReason::Blocked, self.id);
}
