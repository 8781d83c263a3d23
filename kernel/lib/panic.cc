// kernel/lib/panic.cc: panic() and qemu_exit().
#include "lib/panic.h"

#include "arch/x86_64/cpu.h"
#include "lib/kprintf.h"
#include "monitor/backtrace.h"

namespace {

constexpr uint16_t kDebugExitPort = 0xF4;

// Set by the first panic, so that a panic inside the backtrace stops at once.
bool panicking = false;

}  // namespace

void qemu_exit(ExitCode code) {
    cpu::outb(kDebugExitPort, static_cast<uint8_t>(code));
    cpu::disable_interrupts();
    for (;;) cpu::halt();
}

void panic_at(const char* file, int line, const char* fmt, ...) {
    cpu::disable_interrupts();
    if (!panicking) {
        panicking = true;
        kprintf("kernel panic at %s:%d: ", file, line);
        va_list args;
        va_start(args, fmt);
        vkprintf(fmt, args);
        va_end(args);
        kprintf("\n");
        backtrace();
    }
    qemu_exit(ExitCode::Failure);
}
