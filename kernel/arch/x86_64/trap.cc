// exolab: lab 2
// kernel/arch/x86_64/trap.cc: the mechanics of every trap (see trap.h):
// IRQs are acknowledged and counted here; exceptions go to the handler that
// a higher layer registered for their mode (kernel or user).
#include "arch/x86_64/trap.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/idt.h"
#include "arch/x86_64/pic.h"
#include "arch/x86_64/qemu.h"
#include "lib/kprintf.h"
#include "lib/panic.h"

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

constinit uint64_t irq_counts[kIrqCount] = {};
constinit uint64_t spurious_interrupts = 0;

// Until a higher layer registers its own: one line, then stop.  Only a
// trap before kmain's set-up is complete can end here.
void unhandled(TrapFrame& frame, uint64_t fault_address) {
    kprintf("unhandled %s: %s (vector %lu) at rip %016lx, address %016lx\n", from_user(frame) ? "user" : "kernel",
            exception_name(frame.vector), frame.vector, frame.rip, fault_address);
    qemu_exit(ExitCode::Failure);
}

constinit ExceptionHandler kernel_handler = unhandled;
constinit ExceptionHandler user_handler = unhandled;

#if LAB >= 4
constinit IrqHandler irq_handlers[kIrqCount] = {};

// IRQ `irq` from the PIC: acknowledge it, count it, and hand it to the
// layer that registered for it (which may not return).
void handle_irq(unsigned irq, TrapFrame& frame) {
    if (!pic::acknowledge(irq)) {
        spurious_interrupts++;
        return;
    }
    irq_counts[irq]++;
    if (irq_handlers[irq] != nullptr) irq_handlers[irq](frame);
}
#else
// IRQ `irq` from the PIC: acknowledge it and count it.  Nothing uses IRQs
// until lab 4, so each is just evidence in irq_count().
void handle_irq(unsigned irq) {
    if (pic::acknowledge(irq)) {
        irq_counts[irq]++;
    } else {
        spurious_interrupts++;
    }
}
#endif

}  // namespace

void init(ExceptionHandler kernel_exceptions, ExceptionHandler user_exceptions) {
    kernel_handler = kernel_exceptions;
    user_handler = user_exceptions;
    gdt::init();
    idt::init();
    pic::init();
}

void set_user_exception_handler(ExceptionHandler handler) { user_handler = handler; }

#if LAB >= 4
void set_irq_handler(unsigned irq, IrqHandler handler) {
    kassert(irq < kIrqCount);
    irq_handlers[irq] = handler;
}
#endif

const char* exception_name(uint64_t vector) {
    return vector < kExceptionCount ? kExceptionNames[vector] : "interrupt";
}

uint64_t irq_count(unsigned irq) { return irq < kIrqCount ? irq_counts[irq] : 0; }

uint64_t spurious_count() { return spurious_interrupts; }

}  // namespace trap

extern "C" void trap_dispatch(TrapFrame* frame) {
    uint64_t vector = frame->vector;
    if (vector >= trap::kIrqBase && vector < trap::kIrqBase + trap::kIrqCount) {
#if LAB >= 4
        trap::handle_irq(static_cast<unsigned>(vector - trap::kIrqBase), *frame);
#else
        trap::handle_irq(static_cast<unsigned>(vector - trap::kIrqBase));
#endif
        return;
    }
    if (vector == trap::kSpuriousVector) {
        trap::spurious_interrupts++;  // the local APIC's: no end-of-interrupt
        return;
    }
    uint64_t fault_address = vector == trap::kPageFault ? cpu::read_cr2() : 0;
    if (trap::from_user(*frame)) {
        trap::user_handler(*frame, fault_address);
        kassert(trap::from_user(*frame));  // never resume user code in ring 0
        return;
    }
    trap::kernel_handler(*frame, fault_address);
}
