// exolab: lab 3
// kernel/sys/dispatch.cc: the system-call dispatch table.
#include "sys/syscall.h"

namespace syscall {
namespace {

#if SOL >= 3
constexpr uint64_t TrapFrame::*kArgumentRegisters[] = {&TrapFrame::rdi, &TrapFrame::rsi, &TrapFrame::rdx,
                                                        &TrapFrame::r10, &TrapFrame::r8,  &TrapFrame::r9};
#else
// LAB 3: Exercise 12 (see call_with_registers): the saved registers that
// carry a call's arguments, in the order of the ABI (DESIGN §3.2), as
// pointers to members of TrapFrame.
#endif

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
[[gnu::always_inline]] inline Result<int64_t> call_with_registers(Result<int64_t> (*handler)(domain::Domain&, Params...),
                                                                   domain::Domain& self, const TrapFrame& frame,
                                                                   Indices<I...>) {
    static_assert(sizeof...(Params) <= 6, "a system call has at most six arguments");
#if SOL >= 3
    return handler(self, from_register<Params>(frame.*kArgumentRegisters[I])...);
#else
    // LAB 3: Exercise 12. Calls handler(self, p0, p1, ...): parameter k of
    // the handler, of type Params...[k] (uint64_t or UserPtr<T>), comes from
    // the k-th argument register of the ABI (syscalls.def) as saved in
    // `frame`; Indices<I...> is 0, 1, ..., N - 1 for N parameters.  This
    // overload and the WITH_CALLER one below are the exercise, together
    // with kArgumentRegisters.  Threat: SYSCALL itself overwrites one of
    // the registers a C function call would use for an argument, and user
    // code picks every register's value.
    (void)handler, (void)self, (void)frame;
    return Error::NotImplemented;
#endif
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
#if SOL >= 3
    return handler(self, frame, from_register<Params>(frame.*kArgumentRegisters[I])...);
#else
    // LAB 3: Exercise 12 (the WITH_CALLER form): as above, with `frame`
    // itself passed after self.
    (void)handler, (void)self, (void)frame;
    return Error::NotImplemented;
#endif
}

template <typename... Params>
[[gnu::always_inline]] inline Result<int64_t> unpack_and_call(
    Result<int64_t> (*handler)(domain::Domain&, const TrapFrame&, Params...), domain::Domain& self,
    const TrapFrame& frame) {
    return call_with_registers(handler, self, frame, typename MakeIndices<sizeof...(Params)>::Type{});
}

// Runs system call `number` for `self` with the arguments saved in `frame`.
Result<int64_t> dispatch(uint64_t number, domain::Domain& self, const TrapFrame& frame) {
#if SOL >= 3
    switch (number) {
#define SYSCALL(n, fn, params, names, doc, errors) case n: return unpack_and_call(sys_##fn, self, frame);
#include "abi/syscalls.def"  // one case per call
#undef SYSCALL
    default: return Error::NotImplemented;
    }
#else
    // LAB 3: Exercise 11. The dispatch table: call number n of
    // abi/syscalls.def runs sys_<name> through unpack_and_call; any other
    // number is NotImplemented.  The table comes from syscalls.def itself
    // (an X-macro, as sys/syscall.h declares the handlers), so a call added
    // there is dispatched with no other edit, and a number listed twice
    // does not compile.  A call costs one indirect jump, not a search.
    // Threat: rax is the caller's whole 64-bit register: a number past the
    // table, a negative one, or one whose low 32 bits name a call.
    (void)self, (void)frame, (void)number;
    return Error::NotImplemented;
#endif
}

}  // namespace

}  // namespace syscall

#if SOL >= 3
#else
// The skeleton's syscall_entry (syscall.asm) jumps here, on a stack of its
// own: until Exercise 18 no system call reaches syscall_dispatch.
extern "C" [[noreturn]] void syscall_entry_missing() {
    panic("LAB 3: Exercise 18: syscall_entry (kernel/arch/x86_64/syscall.asm) is not written");
}
#endif

// Called by syscall_entry with the caller's saved registers; the result
// goes back in rax.  A handler that switches domains never returns here.
extern "C" void syscall_dispatch(TrapFrame* frame) {
    Result<int64_t> result = syscall::dispatch(frame->rax, *domain::current(), *frame);
#if SOL >= 3
    frame->rax = result.ok() ? static_cast<uint64_t>(result.value()) : static_cast<uint64_t>(-static_cast<int64_t>(result.error()));
#else
    // LAB 3: Exercise 11 (the result): rax becomes the handler's value, or
    // -Error (abi/error.h) for a failure: the ABI of syscalls.def.
    (void)result;
    frame->rax = 0;
#endif
}
