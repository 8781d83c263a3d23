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

// The argument registers, in the order of the ABI (DESIGN §3.2).
constexpr uint64_t TrapFrame::*kArgumentRegisters[] = {&TrapFrame::rdi, &TrapFrame::rsi, &TrapFrame::rdx,
                                                        &TrapFrame::r10, &TrapFrame::r8,  &TrapFrame::r9};

// True for UserPtr<T>.
template <typename P>
constexpr bool kIsUserPtr = false;
template <typename T>
constexpr bool kIsUserPtr<UserPtr<T>> = true;

// A handler parameter of type P made from the register that carries it: a
// word as it is, a user pointer wrapped (and checked only when used).
template <typename P>
P from_register(uint64_t value) {
    static_assert(std::is_same_v<P, uint64_t> || kIsUserPtr<P>, "a handler parameter is uint64_t or UserPtr<T>");
    return P(value);
}

// The list 0, 1, ..., N - 1 as a type, MakeIndices<N>::Type (<utility> is
// not among the kernel's headers, DESIGN §9).
template <size_t... I>
struct Indices {};
template <size_t N, size_t... I>
struct MakeIndices : MakeIndices<N - 1, N - 1, I...> {};
template <size_t... I>
struct MakeIndices<0, I...> {
    using Type = Indices<I...>;
};

// Calls `handler` for `self` with parameter k made from argument register k
// of `frame`.
template <typename... Params, size_t... I>
Result<int64_t> call_with_registers(Result<int64_t> (*handler)(domain::Domain&, Params...), domain::Domain& self,
                                    const TrapFrame& frame, Indices<I...>) {
    static_assert(sizeof...(Params) <= 6, "a system call has at most six arguments");
    return handler(self, from_register<Params>(frame.*kArgumentRegisters[I])...);
}

// How many parameters `handler` takes after the calling domain.
template <typename... Params>
constexpr size_t parameter_count(Result<int64_t> (*)(domain::Domain&, Params...)) {
    return sizeof...(Params);
}

// The dispatch-table entry of `handler`: calls it with the caller's
// argument registers made into its parameter types.
template <auto handler>
Result<int64_t> unpack_and_call(domain::Domain& self, const TrapFrame& frame) {
    return call_with_registers(handler, self, frame, typename MakeIndices<parameter_count(handler)>::Type{});
}

// Each call's number, in the order of syscalls.def.
constexpr uint64_t kNumbers[] = {
#define SYSCALL(number, name, params, names, doc, errors) number,
#include "abi/syscalls.def"
#undef SYSCALL
};

// The dispatch table: the unpack_and_call of each handler, in the same order.
constexpr Result<int64_t> (*kTable[])(domain::Domain& self, const TrapFrame& frame) = {
#define SYSCALL(number, name, params, names, doc, errors) unpack_and_call<sys_##name>,
#include "abi/syscalls.def"
#undef SYSCALL
};
constexpr uint64_t kCount = sizeof(kTable) / sizeof(kTable[0]);

// True if the calls are numbered 0, 1, 2, ...: then a call's number is its
// index in kTable.
constexpr bool numbered_in_order() {
    for (uint64_t i = 0; i < kCount; i++) {
        if (kNumbers[i] != i) return false;
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
    Result<int64_t> r = number < syscall::kCount ? syscall::kTable[number](*domain::current(), *frame)
                                                 : Result<int64_t>(Error::NotImplemented);
    frame->rax = r.ok() ? static_cast<uint64_t>(r.value()) : static_cast<uint64_t>(-static_cast<int64_t>(r.error()));
}
