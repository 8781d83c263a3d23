// exolab: lab 5
// kernel/sys/ioports.cc: io_grant, the one call that hands out hardware
// (DESIGN §3.5).  The kernel has no disk driver: a domain holding the
// disk's ports drives it from user mode, and the bitmap the CPU checks
// follows the running domain (domain/ioports.h).
#include "arch/x86_64/gdt.h"
#include "domain/ioports.h"
#include "sys/syscall.h"

Result<int64_t> syscall::sys_io_grant(domain::Domain& self, uint64_t dom, uint64_t port, uint64_t count) {
#if SOL >= 5
    if (count == 0 || port >= tss::kIoPorts || count > tss::kIoPorts - port) return Error::InvalidArgument;
    domain::Domain* grantee = TRY(target_domain(self, dom));
    if (!ioports::may_grant(self, uint32_t(port), uint32_t(count))) return Error::AccessDenied;
    TRY(ioports::add(*grantee, uint32_t(port), uint32_t(count)));
    return 0;
#else
    // LAB 5: Exercise 1 (part 1). Let `dom` use ports [port, port + count)
    // from now on (syscalls.def has the contract and the errors; part 2,
    // ioports::add, keeps a domain's ranges).  Threats: a port
    // number is a 64-bit register the domain chose, and the TSS bitmap is
    // 8 KiB inside the kernel, so a range that wraps or runs past port
    // 65535 would open or corrupt what lies beyond it; a domain may pass on
    // only what it holds, so a grant must never make the caller (or its
    // child) stronger than the caller already is; and a failed call changes
    // nothing.
    (void)self, (void)dom, (void)port, (void)count;
    return Error::NotImplemented;
#endif
}
