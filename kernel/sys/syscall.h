// exolab: lab 3
// kernel/sys/syscall.h: the system-call layer (DESIGN §3.2).
//
// Every call is declared once in abi/syscalls.def, and its handler's
// signature is generated from that line: the calling domain, then the
// call's parameters with their declared types, USER_PTR(T) becoming
// UserPtr<T> (sys/usermem.h).  The line
//
//   SYSCALL(0, cputs, (USER_PTR(const char) buf, uint64_t len), ...)
//
// declares
//
//   Result<int64_t> sys_cputs(domain::Domain& self, UserPtr<const char> buf, uint64_t len);
//
// Define each handler by its qualified name, outside the namespace
// (`Result<int64_t> syscall::sys_cputs(...) { ... }`): a qualified definition
// must match a declaration, so a handler whose parameters disagree with
// syscalls.def does not compile.  A handler's contract (what it does, its
// errors) is its line there.
//
// Handlers never see registers: the dispatcher (sys/dispatch.cc) makes
// each argument from its register, and turns the Result a handler returns
// into rax in one place, the value or -Error.  A call that needs the
// caller's whole saved context (lab 4: domain_create starts the child from
// it; yield, ipc_recv and domain_set_runnable save it to resume the caller
// later) wraps its parameters in WITH_CALLER(...): its handler gets
// `const TrapFrame& caller` after `self`, which the dispatcher fills with
// the frame, not a register; user space and abi.md see the parameters only.
#pragma once

#include <cstdint>

#include "abi/perm.h"
#include "abi/uarea.h"
#include "domain/domain.h"
#include "sys/usermem.h"

namespace syscall {

// The domain a call names: 0 means the caller; otherwise it must be the
// caller or one of its descendants.  Errors: NoSuchDomain, AccessDenied.
Result<domain::Domain*> target_domain(domain::Domain& self, uint64_t id);

// A page-aligned address a domain may map: [USER_BASE, USER_TOP), from lab
// 4 except UAREA.  The null guard below, the exported windows from
// USER_TOP up and the kernel half are out of reach.  Errors: InvalidArgument.
Result<void> check_user_page(uint64_t va);

// Every handler, declared from the table.
#define USER_PTR(T) UserPtr<T>
#define WITH_CALLER(...) const TrapFrame& caller __VA_OPT__(, ) __VA_ARGS__
#define HANDLER_PARAMETERS(...) (domain::Domain& self __VA_OPT__(, ) __VA_ARGS__)
#define SYSCALL(number, name, params, names, doc, errors) Result<int64_t> sys_##name HANDLER_PARAMETERS params;
#include "abi/syscalls.def"
#undef SYSCALL
#undef HANDLER_PARAMETERS
#undef WITH_CALLER
#undef USER_PTR

}  // namespace syscall
