// exolab: lab 3
// kernel/sys/domains.cc: the domain calls.  Lab 3 has one domain at a time
// and implements exit/destroy; the rest arrive with the labs named in
// syscalls.def and return NotImplemented until then.
#include "lib/kprintf.h"
#include "sys/syscall.h"

Result<int64_t> syscall::sys_domain_destroy(domain::Domain& self, uint64_t dom) {
    domain::Domain* target = TRY(target_domain(self, dom));
    if (target != &self) {
        domain::destroy(*target);
        return 0;
    }
    kprintf("domain %u (%s) exited\n", self.id, self.name);
    domain::destroy(self);
    domain::schedule_next();
}

// The calls of labs 4 and 5, with syscalls.def's parameters: not yet.
Result<int64_t> syscall::sys_domain_create(domain::Domain&) { return Error::NotImplemented; }
Result<int64_t> syscall::sys_domain_set_upcall(domain::Domain&, uint64_t, uint64_t, uint64_t) {
    return Error::NotImplemented;
}
Result<int64_t> syscall::sys_domain_set_context(domain::Domain&, uint64_t, UserPtr<const void>) {
    return Error::NotImplemented;
}
Result<int64_t> syscall::sys_domain_set_runnable(domain::Domain&, uint64_t, uint64_t) { return Error::NotImplemented; }
Result<int64_t> syscall::sys_yield(domain::Domain&, uint64_t) { return Error::NotImplemented; }
Result<int64_t> syscall::sys_ipc_send(domain::Domain&, uint64_t, uint64_t, uint64_t, uint64_t) {
    return Error::NotImplemented;
}
Result<int64_t> syscall::sys_ipc_recv(domain::Domain&, uint64_t) { return Error::NotImplemented; }
Result<int64_t> syscall::sys_io_grant(domain::Domain&, uint64_t, uint64_t, uint64_t) { return Error::NotImplemented; }
