// kernel/arch/x86_64/qemu.cc: the isa-debug-exit device (see qemu.h).
#include "arch/x86_64/qemu.h"

#include "arch/x86_64/cpu.h"

namespace {

constexpr uint16_t kDebugExitPort = 0xF4;

}  // namespace

void qemu_exit(ExitCode code) {
    cpu::outb(kDebugExitPort, static_cast<uint8_t>(code));
    cpu::disable_interrupts();
    for (;;) cpu::halt();
}
