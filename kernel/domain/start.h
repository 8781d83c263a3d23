// exolab: lab 3
// kernel/domain/start.h: starting the program named on the command line.
#pragma once

#include "boot/multiboot2.h"

namespace domain {

// Runs the user program whose GRUB module is called `name` as domain 1
// (init): "domain 1 (<name>) started", then never returns.  Without such a
// module, or with a malformed one, says so and powers off with the
// failure code: a bad program is not a kernel panic.
[[noreturn]] void start_program(const multiboot::BootInfo& boot, const char* name);

}  // namespace domain
