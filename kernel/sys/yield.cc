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
    // LAB 4: Exercise 5 (part 1). Directed yield (syscalls.def, DESIGN
    // §3.4): the caller gives up the rest of its slice, to `dom`, to the
    // root scheduler's choice (YIELD_ANY) or to nobody until the next
    // interrupt (YIELD_SELF).  The caller, when it next runs, sees the
    // call return 0.  slice.h has every way the CPU can change hands.
    // Threats: `dom` is any 64-bit number; the CPU must never go to a
    // domain that cannot run, nor to one outside the caller's own line of
    // ancestors and descendants (an unrelated domain would be resumed in
    // the middle of whatever it was doing, on someone else's say); a
    // refused call changes nothing and returns to the caller at once.
    (void)self, (void)caller, (void)dom;
    return Error::NotImplemented;
#endif
}
