// kernel/lib/console.h: where the kernel's formatted output goes.
//
// lib/ depends on no other layer, yet kprintf must reach a device.  So lib
// declares the one function it needs and the platform defines it: in the
// kernel, arch/x86_64/serial.cc (COM1).  The dependency points downwards
// only at link time, never through an #include.
#pragma once

namespace console {

// Writes one character to the console, waiting until the device takes it;
// '\n' becomes "\r\n" so that a raw terminal shows proper lines.
void put(char c);

}  // namespace console
