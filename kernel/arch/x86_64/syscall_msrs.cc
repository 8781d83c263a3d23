// exolab: lab 3
// kernel/arch/x86_64/syscall_msrs.cc: programming SYSCALL (see syscall_msrs.h).
#include "arch/x86_64/syscall_msrs.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/sections.h"

extern "C" void syscall_entry();
extern "C" uint64_t syscall_kernel_rsp;

namespace syscall_msrs {
namespace {

// Flags cleared on entry: TF, IF, DF, NT and AC.
constexpr uint64_t kEntryFlagsMask = cpu::kRflagsTrap | cpu::kRflagsInterrupt | cpu::kRflagsDirection |
                                     cpu::kRflagsNestedTask | cpu::kRflagsAlignmentCheck;

}  // namespace

void init() {
    syscall_kernel_rsp = reinterpret_cast<uint64_t>(kernel_stack_top);
#if SOL >= 3
    cpu::wrmsr(cpu::kMsrEfer, cpu::rdmsr(cpu::kMsrEfer) | cpu::kEferSyscallEnable);
    cpu::wrmsr(cpu::kMsrStar, gdt::kStarValue);
    cpu::wrmsr(cpu::kMsrLstar, reinterpret_cast<uint64_t>(&syscall_entry));
    cpu::wrmsr(cpu::kMsrFmask, kEntryFlagsMask);
#else
    // LAB 3: Exercise 4. After init, a `syscall` in ring 3 enters
    // syscall_entry in ring 0 with the kernel's selectors, SYSRET returns
    // with the user selectors gdt.h arranged for it, and the entry never
    // runs with a flag of kEntryFlagsMask set, whatever the caller's
    // rflags were.  Threat: user code chooses its rflags; a kernel entered
    // with TF set takes a debug trap on its first instruction, and with
    // DF set copies backwards.
    (void)kEntryFlagsMask;
#endif
}

}  // namespace syscall_msrs
