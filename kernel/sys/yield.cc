// exolab: lab 4
// kernel/sys/yield.cc: yield, the directed hand-off of the CPU (DESIGN §3.4).
#include "domain/slice.h"
#include "sys/syscall.h"

Result<int64_t> syscall::sys_yield(domain::Domain& self, const TrapFrame& caller, uint64_t dom) {
    domain::Domain* target = nullptr;
    if (dom != YIELD_ANY && dom != YIELD_SELF) {
        target = domain::find(dom);
        if (target == nullptr) return Error::NoSuchDomain;
        if (target == &self) return 0;
        if (!domain::is_self_or_descendant(*target, self) && !domain::is_self_or_descendant(self, *target)) {
            return Error::AccessDenied;
        }
        if (domain::info(*target).state != DomainState::Runnable) return Error::InvalidArgument;
    }
    TrapFrame resume = caller;
    resume.rax = 0;
    domain::end_slice(resume, DomainState::Runnable, domain::SliceEnd::Yield);
    if (dom == YIELD_ANY) domain::notify_root(UpcallReason::Timer, self.id);
    if (dom == YIELD_SELF) domain::idle();
    domain::give_cpu(*target, UpcallReason::Resume, self.id);
}
