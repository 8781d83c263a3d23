// kernel/sys/dispatch.cc: the SYSCALL MSRs and the dispatch table.
// exolab: lab 3
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/sections.h"
#include "sys/syscall.h"

extern "C" void syscall_entry();
extern "C" uint64_t syscall_kernel_rsp;

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

constexpr uint64_t kEferSyscallEnable = 1 << 0;
// Flags cleared on entry: TF (8), IF (9), DF (10), AC (18), NT (14).
constexpr uint64_t kEntryFlagsMask = (1 << 8) | (1 << 9) | (1 << 10) | (1 << 14) | (1 << 18);

}  // namespace

void init() {
    syscall_kernel_rsp = reinterpret_cast<uint64_t>(kernel_stack_top);
#if SOL >= 3
    cpu::wrmsr(cpu::kMsrEfer, cpu::rdmsr(cpu::kMsrEfer) | kEferSyscallEnable);
    cpu::wrmsr(cpu::kMsrStar, gdt::kStarValue);
    cpu::wrmsr(cpu::kMsrLstar, reinterpret_cast<uint64_t>(&syscall_entry));
    cpu::wrmsr(cpu::kMsrFmask, kEntryFlagsMask);
#else
    // LAB 3: Exercise 4. Enable SYSCALL (EFER.SCE), then program STAR
    // (cpu::kMsrStar: gdt::kStarValue), LSTAR (cpu::kMsrLstar: where
    // SYSCALL jumps, syscall_entry) and SFMASK (cpu::kMsrFmask:
    // kEntryFlagsMask, the flags the entry must not run with).
    (void)kEferSyscallEnable, (void)kEntryFlagsMask;
#endif
}

}  // namespace syscall

// Called by syscall_entry with the caller's saved registers; the result
// goes back in rax.  A handler that switches domains never returns here.
extern "C" void syscall_dispatch(TrapFrame* frame) {
    uint64_t number = frame->rax;
    Result<int64_t> r = number < syscall::kCount ? syscall::kTable[number].handler(*domain::current(), *frame)
                                                 : Result<int64_t>(Error::NotImplemented);
    frame->rax = r.ok() ? static_cast<uint64_t>(r.value()) : static_cast<uint64_t>(-static_cast<int64_t>(r.error()));
}
