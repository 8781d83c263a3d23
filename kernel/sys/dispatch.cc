// exolab: lab 3
// kernel/sys/dispatch.cc: the system-call dispatch table.
#include "sys/syscall.h"

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
[[gnu::always_inline]] inline Result<int64_t> call_with_registers(Result<int64_t> (*handler)(domain::Domain&, Params...), domain::Domain& self,
                                    const TrapFrame& frame, Indices<I...>) {
    static_assert(sizeof...(Params) <= 6, "a system call has at most six arguments");
    return handler(self, from_register<Params>(frame.*kArgumentRegisters[I])...);
}

// Calls `handler` with the caller's argument registers made into its
// parameter types.  Always inlined into dispatch(), so a call costs one
// indirect jump and the handler's own frame, nothing in between.
template <typename... Params>
[[gnu::always_inline]] inline Result<int64_t> unpack_and_call(Result<int64_t> (*handler)(domain::Domain&, Params...),
                                                               domain::Domain& self, const TrapFrame& frame) {
    return call_with_registers(handler, self, frame, typename MakeIndices<sizeof...(Params)>::Type{});
}

// The same for a handler declared WITH_CALLER (syscall.h): the saved frame
// itself comes before the parameters made from the registers.  More
// specialised than the template above, so overload resolution picks it.
template <typename... Params, size_t... I>
[[gnu::always_inline]] inline Result<int64_t> call_with_registers(
    Result<int64_t> (*handler)(domain::Domain&, const TrapFrame&, Params...), domain::Domain& self,
    const TrapFrame& frame, Indices<I...>) {
    return handler(self, frame, from_register<Params>(frame.*kArgumentRegisters[I])...);
}

template <typename... Params>
[[gnu::always_inline]] inline Result<int64_t> unpack_and_call(
    Result<int64_t> (*handler)(domain::Domain&, const TrapFrame&, Params...), domain::Domain& self,
    const TrapFrame& frame) {
    return call_with_registers(handler, self, frame, typename MakeIndices<sizeof...(Params)>::Type{});
}

// Runs system call `number` for `self`: the dispatch table, generated from
// syscalls.def as one case per call (a number used twice does not compile;
// the compiler turns the cases into a jump table).
Result<int64_t> dispatch(uint64_t number, domain::Domain& self, const TrapFrame& frame) {
    switch (number) {
#define SYSCALL(number, name, params, names, doc, errors) \
    case number: return unpack_and_call(sys_##name, self, frame);
#include "abi/syscalls.def"
#undef SYSCALL
    }
    return Error::NotImplemented;
}

}  // namespace

}  // namespace syscall

// Called by syscall_entry with the caller's saved registers; the result
// goes back in rax.  A handler that switches domains never returns here.
extern "C" void syscall_dispatch(TrapFrame* frame) {
    Result<int64_t> r = syscall::dispatch(frame->rax, *domain::current(), *frame);
    frame->rax = r.ok() ? static_cast<uint64_t>(r.value()) : static_cast<uint64_t>(-static_cast<int64_t>(r.error()));
}
