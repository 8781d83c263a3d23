// exolab: lab 4
// kernel/sys/children.cc: making and steering child domains: create,
// set_upcall, set_context, set_runnable, name (DESIGN §3.2).  A fork or a spawn
// in the libOS is these calls plus map.
#include "abi/layout.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/gdt.h"
#include "domain/slice.h"
#include "lib/string.h"
#include "sys/syscall.h"
#include "sys/usermem.h"

Result<int64_t> syscall::sys_domain_create(domain::Domain& self, const TrapFrame& caller) {
#if SOL >= 4
    domain::Domain* child = TRY(domain::create(self.id, self.name));
    child->context = caller;
    child->context.rax = 0;
    child->uarea->fault_vectors = self.uarea->fault_vectors;
    return child->id;
#else
    // LAB 4: Exercise 4 (part 1). domain_create (syscalls.def): a new
    // domain, a child of the caller, that will not run until it is made
    // runnable, and that then carries on from this very call as the
    // caller would, except that it is told 0.  Threat: a forked child's
    // first act is a write to a copy-on-write page, a fault: it must be
    // able to handle its faults from its first instruction, as its
    // parent handles them.  Errors: those of domain::create.
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
    constexpr uint64_t kUserChosenFlags = 0xCD5;  // CF PF AF ZF SF DF OF
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
    // LAB 4: Exercise 4 (part 2). domain_set_context (syscalls.def): the
    // UserContext at `ctx`, in the caller's memory, becomes everything
    // `target` resumes with.  Threat: the context is hostile, and the
    // kernel itself hands it to IRETQ.  Every field must be one that a
    // ring-3 program could have reached by running, or one the kernel
    // sets itself: a return address the CPU cannot return to faults in
    // ring 0, and rflags holds bits that are not the domain's to choose
    // (decide which are: DESIGN §3.2, the SDM's RFLAGS chapter).  Validate
    // the whole context, then commit: a refused call leaves `target` as
    // it was.  Errors: syscalls.def's line.
    (void)ctx;
    return Error::NotImplemented;
#endif
}

Result<int64_t> syscall::sys_domain_set_runnable(domain::Domain& self, const TrapFrame& caller, uint64_t dom,
                                                 uint64_t runnable) {
    domain::Domain* target = TRY(target_domain(self, dom));
#if SOL >= 4
    DomainInfo& entry = domain::info(*target);
    if (runnable > 1 || entry.state == DomainState::Blocked) return Error::InvalidArgument;
    if (target != &self) {
        entry.state = runnable ? DomainState::Runnable : DomainState::Stopped;
        return 0;
    }
    if (runnable) return 0;  // it is running
    domain::end_slice_in_call(caller, DomainState::Stopped, domain::SliceEnd::Stop);
    domain::notify_root(UpcallReason::Timer, self.id);
#else
    // LAB 4: Exercise 5 (part 2). domain_set_runnable (syscalls.def):
    // start or stop `target`.  A domain that stops itself gives up the
    // CPU as yield does, and its call returns 0 if it is ever made
    // runnable again.  Threats: a domain Blocked in ipc_recv is waiting
    // for a message, and only ipc_send may wake it (a wake-up by hand
    // would return from ipc_recv with no message); `runnable` is any
    // 64-bit number.
    (void)target, (void)caller, (void)runnable;
    return Error::NotImplemented;
#endif
}

Result<int64_t> syscall::sys_domain_name(domain::Domain& self, uint64_t dom, UserPtr<const char> name, uint64_t len) {
    domain::Domain* target = TRY(target_domain(self, dom));
    char copy[sizeof(target->name)];
    if (len == 0 || len >= sizeof(copy)) return Error::InvalidArgument;
    TRY(usermem::copy_in(self, copy, name, len));
    for (uint64_t i = 0; i < len; i++) {
        // Printable ASCII without parentheses: no name can end a kernel
        // line early or start a forged one ("x) exited\ndomain 1 (init").
        if (copy[i] < ' ' || copy[i] > '~' || copy[i] == '(' || copy[i] == ')') return Error::InvalidArgument;
    }
    memcpy(target->name, copy, len);
    target->name[len] = '\0';
    return 0;
}
