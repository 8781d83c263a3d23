// exolab: lab 4
// kernel/sys/yield.cc: yield, the directed hand-off of the CPU (DESIGN §3.4).
#include "domain/slice.h"
#include "sys/syscall.h"

Result<int64_t> syscall::sys_yield(domain::Domain& self, const TrapFrame& caller, uint64_t dom) {
#if SOL >= 4
    domain::Domain* target = nullptr;
    if (dom != YIELD_ANY && dom != YIELD_SELF) {
        target = domain::find(dom);
        if (target == nullptr) return Error::NoSuchDomain;
        if (target == &self) return 0;
        bool related = domain::is_self_or_descendant(*target, self) || domain::is_self_or_descendant(self, *target);
        if (!related) return Error::AccessDenied;
        if (domain::info(*target).state != DomainState::Runnable) return Error::InvalidArgument;
    }
    domain::end_slice_in_call(caller, DomainState::Runnable, domain::SliceEnd::Yield);
    if (dom == YIELD_ANY) domain::notify_root(UpcallReason::Timer, self.id);
    if (dom == YIELD_SELF) domain::idle();
    domain::give_cpu(*target, UpcallReason::Resume, self.id);
#else
    // LAB 4: Exercise 5. Directed yield (syscalls.def, DESIGN §3.4): the
    // caller's slice ends now (domain::end_slice_in_call: it stays
    // Runnable and, when it runs again, this call returns 0) and the CPU goes to `dom`
    // with a Resume upcall about the caller; YIELD_ANY gives it to the root
    // scheduler instead (a Timer event about the caller), and YIELD_SELF to
    // nobody until the next interrupt (domain::idle).  Threats: a domain
    // must not hand the CPU to one that cannot run (not Runnable:
    // InvalidArgument) or to one outside its own line of ancestors and
    // descendants (AccessDenied); a refused call changes nothing and
    // returns to the caller.  Yielding to oneself returns 0 at once.
    (void)self, (void)caller, (void)dom;
    return Error::NotImplemented;
#endif
}
