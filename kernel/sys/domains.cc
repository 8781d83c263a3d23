// exolab: lab 3
// kernel/sys/domains.cc: domain_destroy, and until lab 4 the calls that
// arrive with it (NotImplemented; lab 4 defines them in children.cc,
// yield.cc and ipc.cc).
#include "lib/kprintf.h"
#include "sys/syscall.h"
#if LAB >= 4
#include "domain/slice.h"
#endif

Result<int64_t> syscall::sys_domain_destroy(domain::Domain& self, uint64_t dom) {
    domain::Domain* target = TRY(target_domain(self, dom));
    if (target != &self) {
#if LAB >= 4
        if (!domain::quiet()) {
            kprintf("domain %u (%s) destroyed by domain %u (%s)\n", target->id, target->name, self.id, self.name);
        }
        domain::destroy(*target);
#else
        domain::destroy(*target);
#endif
        return 0;
    }
    if (!domain::quiet()) kprintf("domain %u (%s) exited\n", self.id, self.name);
#if LAB >= 4
    uint16_t id = self.id;
    domain::end_slice(self.context, DomainState::Stopped, domain::SliceEnd::Exit);
    domain::destroy(self);
    domain::notify_root(UpcallReason::Exited, id);
#else
    domain::destroy(self);
    domain::schedule_next();
#endif
}

#if LAB < 4
// The calls of lab 4, with syscalls.def's parameters: not yet.
Result<int64_t> syscall::sys_domain_create(domain::Domain&, const TrapFrame&) { return Error::NotImplemented; }
Result<int64_t> syscall::sys_domain_set_upcall(domain::Domain&, uint64_t, uint64_t, uint64_t) {
    return Error::NotImplemented;
}
Result<int64_t> syscall::sys_domain_set_context(domain::Domain&, uint64_t, UserPtr<const UserContext>) {
    return Error::NotImplemented;
}
Result<int64_t> syscall::sys_domain_set_runnable(domain::Domain&, const TrapFrame&, uint64_t, uint64_t) {
    return Error::NotImplemented;
}
Result<int64_t> syscall::sys_yield(domain::Domain&, const TrapFrame&, uint64_t) { return Error::NotImplemented; }
Result<int64_t> syscall::sys_ipc_send(domain::Domain&, uint64_t, uint64_t, uint64_t, uint64_t) {
    return Error::NotImplemented;
}
Result<int64_t> syscall::sys_ipc_recv(domain::Domain&, const TrapFrame&, uint64_t, uint64_t) {
    return Error::NotImplemented;
}
Result<int64_t> syscall::sys_domain_name(domain::Domain&, uint64_t, UserPtr<const char>, uint64_t) {
    return Error::NotImplemented;
}
#endif

#if LAB < 5
// The calls of lab 5: not yet (lab 5 defines them in ioports.cc and share.cc).
Result<int64_t> syscall::sys_io_grant(domain::Domain&, uint64_t, uint64_t, uint64_t) { return Error::NotImplemented; }
Result<int64_t> syscall::sys_share_tables(domain::Domain&, uint64_t, uint64_t) { return Error::NotImplemented; }
#endif
