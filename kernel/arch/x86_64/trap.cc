// kernel/arch/x86_64/trap.cc: what the kernel does with each trap (see
// exolab: lab 2
// trap.h): IRQs are acknowledged and counted; a breakpoint in the kernel is
// reported and resumed; any other exception in the kernel is a kernel bug,
// reported in full before QEMU is stopped; exceptions in user mode go to
// the user-fault hook.
#include "arch/x86_64/trap.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/idt.h"
#include "arch/x86_64/pic.h"
#include "boot/symbols.h"
#include "lib/kprintf.h"
#include "lib/panic.h"
#include "monitor/backtrace.h"

namespace trap {
namespace {

// Intel SDM vol. 3A table 6-1; 28-30 are AMD's (APM vol. 2 §8.2).
constexpr const char* kExceptionNames[kExceptionCount] = {
    "divide error",                  // 0  #DE
    "debug exception",               // 1  #DB
    "non-maskable interrupt",        // 2  NMI
    "breakpoint",                    // 3  #BP
    "overflow",                      // 4  #OF
    "bound range exceeded",          // 5  #BR
    "invalid opcode",                // 6  #UD
    "device not available",          // 7  #NM
    "double fault",                  // 8  #DF
    "coprocessor segment overrun",   // 9
    "invalid TSS",                   // 10 #TS
    "segment not present",           // 11 #NP
    "stack-segment fault",           // 12 #SS
    "general protection fault",      // 13 #GP
    "page fault",                    // 14 #PF
    "reserved",                      // 15
    "x87 floating-point error",      // 16 #MF
    "alignment check",               // 17 #AC
    "machine check",                 // 18 #MC
    "SIMD floating-point exception", // 19 #XM
    "virtualization exception",      // 20 #VE
    "control protection exception",  // 21 #CP
    "reserved", "reserved", "reserved", "reserved", "reserved", "reserved",  // 22-27
    "hypervisor injection exception",  // 28 #HV
    "VMM communication exception",     // 29 #VC
    "security exception",              // 30 #SX
    "reserved",                        // 31
};

// Page-fault error code bits (SDM vol. 3A §4.7).
constexpr uint64_t kPfPresent = 1 << 0;         // 0: the page was not present; 1: a protection violation
constexpr uint64_t kPfWrite = 1 << 1;           // the access was a write
constexpr uint64_t kPfUser = 1 << 2;            // the access was made in user mode
constexpr uint64_t kPfReservedBit = 1 << 3;     // a paging entry had a reserved bit set
constexpr uint64_t kPfInstruction = 1 << 4;     // an instruction fetch (reported only with NX or SMEP on)
constexpr uint64_t kPfProtectionKey = 1 << 5;
constexpr uint64_t kPfShadowStack = 1 << 6;

// Selector error code bits (#TS, #NP, #SS, #GP; SDM vol. 3A §6.13).
constexpr uint64_t kSelExternal = 1 << 0;  // raised while delivering an external event
constexpr uint64_t kSelIdt = 1 << 1;       // the index is an IDT vector
constexpr uint64_t kSelLdt = 1 << 2;       // else: GDT (0) or LDT (1)

constinit uint64_t irq_counts[kIrqCount] = {};
constinit uint64_t spurious_interrupts = 0;

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

// IRQ `irq` from the PIC: acknowledge it and count it.  Nothing uses IRQs
// until lab 4, so each is just evidence in irq_count().
void handle_irq(unsigned irq) {
    if (pic::acknowledge(irq)) {
        irq_counts[irq]++;
    } else {
        spurious_interrupts++;
    }
}

}  // namespace

void init() {
    gdt::init();
    idt::init();
    pic::init();
}

const char* exception_name(uint64_t vector) {
    return vector < kExceptionCount ? kExceptionNames[vector] : "interrupt";
}

uint64_t irq_count(unsigned irq) { return irq < kIrqCount ? irq_counts[irq] : 0; }

uint64_t spurious_count() { return spurious_interrupts; }

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

#if LAB < 3
// The stand-in until lab 3 (see trap.h): nothing runs in user mode yet, so
// a user-mode fault means the kernel entered user mode by mistake.
void user_fault(TrapFrame& frame, uint64_t fault_address) {
    print_report("user fault", frame, fault_address);
    panic("fault in user mode, and no domain code to handle it yet (lab 3 defines trap::user_fault)");
}
#endif

}  // namespace trap

extern "C" void trap_dispatch(TrapFrame* frame) {
    uint64_t vector = frame->vector;
    if (vector >= trap::kIrqBase && vector < trap::kIrqBase + trap::kIrqCount) {
        trap::handle_irq(static_cast<unsigned>(vector - trap::kIrqBase));
        return;
    }
    if (vector == trap::kSpuriousVector) {
        trap::spurious_interrupts++;  // the local APIC's: no end-of-interrupt
        return;
    }
    uint64_t fault_address = vector == trap::kPageFault ? cpu::read_cr2() : 0;
    if (trap::from_user(*frame)) {
        trap::user_fault(*frame, fault_address);
        kassert(trap::from_user(*frame));
        return;
    }
    if (vector == trap::kBreakpoint) {
        trap::kernel_breakpoint(*frame);
        return;
    }
    trap::kernel_fault(*frame, fault_address);
}
