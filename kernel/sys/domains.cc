// kernel/sys/domains.cc: the domain calls.  Lab 3 has one domain at a time
// exolab: lab 3
// and implements exit/destroy; the rest arrive with the labs named in
// syscalls.def and return NotImplemented until then.
#include "lib/kprintf.h"
#include "sys/syscall.h"

namespace syscall {

Result<int64_t> sys_domain_destroy(domain::Domain& self, const TrapFrame& frame) {
    domain::Domain* target = TRY(target_domain(self, arg0(frame)));
    if (target != &self) {
        domain::destroy(*target);
        return 0;
    }
    kprintf("domain %u (%s) exited\n", self.id, self.name);
    domain::destroy(self);
    domain::schedule_next();
}

Result<int64_t> sys_domain_create(domain::Domain&, const TrapFrame&) { return Error::NotImplemented; }
Result<int64_t> sys_domain_set_upcall(domain::Domain&, const TrapFrame&) { return Error::NotImplemented; }
Result<int64_t> sys_domain_set_context(domain::Domain&, const TrapFrame&) { return Error::NotImplemented; }
Result<int64_t> sys_domain_set_runnable(domain::Domain&, const TrapFrame&) { return Error::NotImplemented; }
Result<int64_t> sys_yield(domain::Domain&, const TrapFrame&) { return Error::NotImplemented; }
Result<int64_t> sys_ipc_send(domain::Domain&, const TrapFrame&) { return Error::NotImplemented; }
Result<int64_t> sys_ipc_recv(domain::Domain&, const TrapFrame&) { return Error::NotImplemented; }
Result<int64_t> sys_io_grant(domain::Domain&, const TrapFrame&) { return Error::NotImplemented; }

}  // namespace syscall
