// kernel/sys/syscall.h: the system-call layer (DESIGN §3.2).
// exolab: lab 3
//
// Every call is declared once in abi/syscalls.def.  Each handler gets the
// calling domain and its saved registers (arguments in rdi, rsi, rdx, r10,
// r8, r9: arg0(f) .. arg5(f)) and returns Result<int64_t>; the dispatcher
// turns that into rax in one place: the value, or -Error.
#pragma once

#include <cstdint>

#include "arch/x86_64/trap.h"
#include "domain/domain.h"

namespace syscall {

inline uint64_t arg0(const TrapFrame& f) { return f.rdi; }
inline uint64_t arg1(const TrapFrame& f) { return f.rsi; }
inline uint64_t arg2(const TrapFrame& f) { return f.rdx; }
inline uint64_t arg3(const TrapFrame& f) { return f.r10; }

// The domain a call names: 0 means the caller; otherwise it must be the
// caller or one of its descendants.  Errors: NoSuchDomain, AccessDenied.
Result<domain::Domain*> target_domain(domain::Domain& self, uint64_t id);

// Every handler, declared from the table.
#define SYSCALL(number, name, params, names, doc, errors) \
    Result<int64_t> sys_##name(domain::Domain& self, const TrapFrame& frame);
#include "abi/syscalls.def"
#undef SYSCALL

}  // namespace syscall
