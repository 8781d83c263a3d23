// exolab: lab 4
// kernel/sys/children.cc: making and steering child domains: create,
// set_upcall, set_context, set_runnable (DESIGN §3.2).  A fork or a spawn
// in the libOS is these calls plus map.
#include "abi/layout.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/gdt.h"
#include "domain/slice.h"
#include "sys/syscall.h"
#include "sys/usermem.h"

namespace {

// The rflags bits a domain may choose: the arithmetic flags and DF.  IF is
// always set; TF, IOPL, NT, RF, VM, AC and the virtual-interrupt flags are
// always clear (a TF or IOPL smuggled into a context would single-step the
// kernel's return or open the I/O ports).
constexpr uint64_t kUserChosenFlags = 0xCD5;  // CF PF AF ZF SF DF OF

}  // namespace

Result<int64_t> syscall::sys_domain_create(domain::Domain& self, const TrapFrame& caller) {
#if SOL >= 4
    domain::Domain* child = TRY(domain::create(self.id, self.name));
    child->context = caller;
    child->context.rax = 0;
    child->uarea->fault_vectors = self.uarea->fault_vectors;
    return child->id;
#else
    // LAB 4: Exercise 4 (part 1). A child domain (domain::create), not
    // runnable, whose first context is `caller`, the caller's registers at
    // this call, except that the call returns 0 in the child (syscalls.def).
    // The child must also route exceptions to its upcalls as the caller
    // does: a forked child's first write to a copy-on-write page would
    // otherwise kill it.  Returns the child's id.
    (void)self, (void)caller;
    return Error::NotImplemented;
#endif
}

Result<int64_t> syscall::sys_domain_set_upcall(domain::Domain& self, uint64_t dom, uint64_t entry,
                                               uint64_t stack) {
    domain::Domain* target = TRY(target_domain(self, dom));
    if (entry != 0 && (entry < kUserBase || entry >= kUserTop || stack < kUserBase || stack > kUserTop)) {
        return Error::InvalidArgument;
    }
    target->upcall_entry = entry;
    target->upcall_stack = entry != 0 ? stack : 0;
    DomainInfo& i = domain::info(*target);
    i.flags = entry != 0 ? (i.flags | kDomainHasUpcall) : (i.flags & ~kDomainHasUpcall);
    return 0;
}

Result<int64_t> syscall::sys_domain_set_context(domain::Domain& self, uint64_t dom, UserPtr<const UserContext> ctx) {
    domain::Domain* target = TRY(target_domain(self, dom));
    if (target == &self) return Error::AccessDenied;
#if SOL >= 4
    UserContext c;
    TRY(usermem::copy_in(self, &c, ctx));
    if (c.rip < kUserBase || c.rip >= kUserTop || c.rsp > kUserTop) return Error::InvalidArgument;
    TrapFrame& f = target->context;
    f = TrapFrame{};
    f.rax = c.rax, f.rbx = c.rbx, f.rcx = c.rcx, f.rdx = c.rdx, f.rsi = c.rsi, f.rdi = c.rdi;
    f.rbp = c.rbp, f.rsp = c.rsp, f.r8 = c.r8, f.r9 = c.r9, f.r10 = c.r10, f.r11 = c.r11;
    f.r12 = c.r12, f.r13 = c.r13, f.r14 = c.r14, f.r15 = c.r15, f.rip = c.rip;
    f.rflags = (c.rflags & kUserChosenFlags) | cpu::kRflagsInterrupt | cpu::kRflagsReserved;
    f.cs = gdt::kUserCode;
    f.ss = gdt::kUserData;
    return 0;
#else
    // LAB 4: Exercise 4 (part 2). Make the UserContext at `ctx` (the
    // caller's memory) `target`'s context, the registers it resumes when it
    // next runs.  This context reaches IRETQ unchanged, so it is hostile:
    // an rip or rsp the CPU cannot return to faults in ring 0 (refuse rip
    // outside [USER_BASE, USER_TOP) and rsp above USER_TOP:
    // InvalidArgument); rflags is the domain's only in its arithmetic flags
    // and DF (kUserChosenFlags), and IF must be set: IOPL would open the I/O
    // ports, TF would single-step, AC would open user memory to the kernel
    // under SMAP.  The selectors are always the user ones.  Nothing changes
    // unless every check passes.  Errors: BadAddress (ctx unreadable),
    // InvalidArgument.
    (void)ctx, (void)kUserChosenFlags;
    return Error::NotImplemented;
#endif
}

Result<int64_t> syscall::sys_domain_set_runnable(domain::Domain& self, const TrapFrame& caller, uint64_t dom,
                                                 uint64_t runnable) {
    domain::Domain* target = TRY(target_domain(self, dom));
    DomainInfo& i = domain::info(*target);
    if (runnable > 1 || i.state == DomainState::Blocked) return Error::InvalidArgument;
    if (target != &self) {
        i.state = runnable ? DomainState::Runnable : DomainState::Stopped;
        return 0;
    }
    if (runnable) return 0;  // it is running
    domain::end_slice_in_call(caller, DomainState::Stopped, domain::SliceEnd::Stop);
    domain::notify_root(UpcallReason::Timer, self.id);
}
