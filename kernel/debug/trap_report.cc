// exolab: lab 2
// kernel/debug/trap_report.cc: printing traps, and the kernel's own
// exception handlers (see trap_report.h).
#include "debug/trap_report.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/qemu.h"
#include "debug/backtrace.h"
#include "debug/symbols.h"
#include "lib/kprintf.h"
#include "lib/panic.h"

namespace trap_report {
namespace {

using namespace trap;

// Set while a kernel fault is being reported, so that a fault inside the
// report (a corrupt frame chain, say) stops at once instead of recursing.
constinit bool reporting = false;

// Prints " <name+0xoffset>" for the function containing `address`, or
// " <unknown>".
void print_symbol(uint64_t address) {
    symbols::Location where;
    if (!symbols::lookup(address, &where)) {
        kprintf(" <unknown>");
        return;
    }
    char name[128];
    symbols::demangle(where.name, name, sizeof(name));
    kprintf(" <%s+0x%lx>", name, where.offset);
}

// Prints " (write, not present, kernel)" for a page-fault error code: the
// access, whether the page was present, the mode, then any rarer bits.
void print_page_fault_error(uint64_t error) {
    const char* access = (error & kPfInstruction) ? "instruction fetch" : (error & kPfWrite) ? "write" : "read";
    kprintf(" (%s, %s, %s", access, (error & kPfPresent) ? "present" : "not present",
            (error & kPfUser) ? "user" : "kernel");
    if (error & kPfReservedBit) kprintf(", reserved bit set");
    if (error & kPfProtectionKey) kprintf(", protection key");
    if (error & kPfShadowStack) kprintf(", shadow stack");
    kprintf(")");
}

// Prints " (GDT selector 0x28)" or " (IDT vector 128, external)" for the
// nonzero error code of #TS, #NP, #SS or #GP: the descriptor involved.
void print_selector_error(uint64_t error) {
    uint64_t index = error >> 3;
    if (error & kSelIdt) {
        kprintf(" (IDT vector %lu", index);
    } else {
        kprintf(" (%s selector 0x%lx", (error & kSelLdt) ? "LDT" : "GDT", index << 3);
    }
    kprintf("%s)", (error & kSelExternal) ? ", external" : "");
}

// Prints the general-purpose and control registers, four to a line.
void print_registers(const TrapFrame& f) {
    struct Named {
        const char* name;
        uint64_t value;
    };
    const Named registers[] = {
        {"rax", f.rax}, {"rbx", f.rbx}, {"rcx", f.rcx},       {"rdx", f.rdx},
        {"rsi", f.rsi}, {"rdi", f.rdi}, {"rbp", f.rbp},       {"rsp", f.rsp},
        {"r8", f.r8},   {"r9", f.r9},   {"r10", f.r10},       {"r11", f.r11},
        {"r12", f.r12}, {"r13", f.r13}, {"r14", f.r14},       {"r15", f.r15},
        {"rip", f.rip}, {"rflags", f.rflags}, {"cs", f.cs},   {"ss", f.ss},
        {"cr0", cpu::read_cr0()}, {"cr2", cpu::read_cr2()}, {"cr3", cpu::read_cr3()}, {"cr4", cpu::read_cr4()},
        {"gsbase", cpu::rdmsr(cpu::kMsrGsBase)}, {"kgsbase", cpu::rdmsr(cpu::kMsrKernelGsBase)},
    };
    constexpr int kPerLine = 4;
    int column = 0;
    for (const Named& r : registers) {
        kprintf("  %-3s %016lx", r.name, r.value);
        if (++column == kPerLine) {
            kprintf("\n");
            column = 0;
        }
    }
    if (column != 0) kprintf("\n");
}

// Reports an exception in kernel mode, with a backtrace from the faulting
// frame, and stops QEMU with the failure code.  A kernel bug by definition.
[[noreturn]] void kernel_fault(const TrapFrame& frame, uint64_t fault_address) {
    if (reporting) {
        kprintf("kernel fault: %s (vector %lu) at rip %016lx while reporting a kernel fault\n",
                exception_name(frame.vector), frame.vector, frame.rip);
        qemu_exit(ExitCode::Failure);
    }
    reporting = true;
    print_report("kernel fault", frame, fault_address);
    if (frame.vector == kDoubleFault) {
        kprintf("  (a double fault's saved rip is undefined by the SDM; this report ran on the IST1 stack)\n");
    }
    backtrace_from(frame.rbp, frame.rip);
    qemu_exit(ExitCode::Failure);
}

// An INT3 in the kernel: a debugging aid, so report where it was and the
// registers, then carry on after it (the saved rip already points there:
// a breakpoint is a trap, not a fault).
void kernel_breakpoint(const TrapFrame& frame) {
    print_report("kernel trap", frame, 0);
    kprintf("kernel trap: resuming at rip %016lx\n", frame.rip);
}

}  // namespace

void print_trap_line(const char* context, const TrapFrame& frame, uint64_t fault_address) {
    uint64_t vector = frame.vector;
    kprintf("%s: %s (vector %lu) at rip %016lx", context, exception_name(vector), vector, frame.rip);
    if (!from_user(frame)) print_symbol(frame.rip);
    if (vector < kExceptionCount && (kVectorsWithErrorCode & (1u << vector))) {
        kprintf(", error 0x%lx", frame.error_code);
        if (vector == kPageFault) {
            print_page_fault_error(frame.error_code);
        } else if (vector >= 10 && vector <= kGeneralProtection && frame.error_code != 0) {
            print_selector_error(frame.error_code);
        }
    }
    if (vector == kPageFault) kprintf(", address %016lx", fault_address);
    kprintf("\n");
}

void print_report(const char* context, const TrapFrame& frame, uint64_t fault_address) {
    print_trap_line(context, frame, fault_address);
    print_registers(frame);
}

void kernel_exception(TrapFrame& frame, uint64_t fault_address) {
    if (frame.vector == kBreakpoint) {
        kernel_breakpoint(frame);
        return;
    }
    kernel_fault(frame, fault_address);
}

void user_exception_without_domain(TrapFrame& frame, uint64_t fault_address) {
    print_report("user fault", frame, fault_address);
    panic("fault in user mode with no domain to own it");
}

}  // namespace trap_report
