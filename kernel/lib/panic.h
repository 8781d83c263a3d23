// kernel/lib/panic.h: stopping the kernel on a kernel bug, and leaving QEMU.
#pragma once

// QEMU's isa-debug-exit device (port 0xF4) ends QEMU with status (code << 1) | 1.
// The codes are chosen so that neither status can be mistaken for one QEMU
// itself uses (0: guest reset / triple fault with -no-reboot, 1: QEMU error).
enum class ExitCode : unsigned char {
    Success = 0x10,  // QEMU exit status 33
    Failure = 0x11,  // QEMU exit status 35
};

// Powers off QEMU with `code`; on hardware without the device, halts forever.
[[noreturn]] void qemu_exit(ExitCode code);

// Prints "kernel panic at file:line: message" and a backtrace, then exits
// QEMU with ExitCode::Failure.  For kernel bugs only: never for bad user input.
[[noreturn]] void panic_at(const char* file, int line, const char* fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define panic(...) panic_at(__FILE__, __LINE__, __VA_ARGS__)

// Panics with the failed condition's text unless `condition` holds.
#define kassert(condition) \
    ((condition) ? (void)0 : panic_at(__FILE__, __LINE__, "assertion failed: %s", #condition))
