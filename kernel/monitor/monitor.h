// kernel/monitor/monitor.h: the kernel monitor, a command line on the serial port.
#pragma once

#include "boot/multiboot2.h"

namespace monitor {

// Reads commands from the serial line and runs them, forever (until `exit`).
// `boot` is what the `mmap` command shows.
[[noreturn]] void run(const multiboot::BootInfo& boot);

}  // namespace monitor
