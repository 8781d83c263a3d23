// kernel/arch/x86_64/qemu.h: leaving QEMU with a status the harness reads.
#pragma once

// QEMU's isa-debug-exit device (port 0xF4) ends QEMU with status (code << 1) | 1.
// The codes are chosen so that neither status can be mistaken for one QEMU
// itself uses (0: guest reset / triple fault with -no-reboot, 1: QEMU error).
enum class ExitCode : unsigned char {
    Success = 0x10,  // QEMU exit status 33
    Failure = 0x11,  // QEMU exit status 35
};

// Powers off QEMU with `code`; on hardware without the device, halts forever
// with interrupts off.
[[noreturn]] void qemu_exit(ExitCode code);
