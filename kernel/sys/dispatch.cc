// kernel/sys/dispatch.cc: the system-call dispatch table.
// exolab: lab 3
#include "sys/syscall.h"

namespace syscall {
namespace {

using Handler = Result<int64_t> (*)(domain::Domain&, const TrapFrame&);

struct Entry {
    uint64_t number;
    Handler handler;
};

constexpr Entry kTable[] = {
#define SYSCALL(number, name, params, names, doc, errors) {number, sys_##name},
#include "abi/syscalls.def"
#undef SYSCALL
};
constexpr uint64_t kCount = sizeof(kTable) / sizeof(kTable[0]);

constexpr bool numbered_in_order() {
    for (uint64_t i = 0; i < kCount; i++) {
        if (kTable[i].number != i) return false;
    }
    return true;
}
static_assert(numbered_in_order(), "syscalls.def must number its calls 0, 1, 2, ... in order");

}  // namespace

}  // namespace syscall

// Called by syscall_entry with the caller's saved registers; the result
// goes back in rax.  A handler that switches domains never returns here.
extern "C" void syscall_dispatch(TrapFrame* frame) {
    uint64_t number = frame->rax;
    Result<int64_t> r = number < syscall::kCount ? syscall::kTable[number].handler(*domain::current(), *frame)
                                                 : Result<int64_t>(Error::NotImplemented);
    frame->rax = r.ok() ? static_cast<uint64_t>(r.value()) : static_cast<uint64_t>(-static_cast<int64_t>(r.error()));
}
