// kernel/debug/panic.cc: the kernel's panic() (declared in lib/panic.h).
#include "lib/panic.h"

#include <cstdarg>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/qemu.h"
#include "debug/backtrace.h"
#include "lib/kprintf.h"

namespace {

// Set by the first panic, so that a panic inside the backtrace stops at once.
bool panicking = false;

}  // namespace

// Prints "kernel panic at file:line: message" and a backtrace, then exits
// QEMU with ExitCode::Failure.
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
