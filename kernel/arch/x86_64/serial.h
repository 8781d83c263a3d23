// kernel/arch/x86_64/serial.h: the COM1 16550 UART, polled.
#pragma once

namespace serial {

// Programs COM1 for 115200 baud, 8 data bits, no parity, 1 stop bit, FIFOs
// on, interrupts off.  Call once, before the first put().
void init();

// Sends one byte, waiting until the transmitter can take it.  '\n' is sent
// as "\r\n" so that a raw terminal shows proper lines.
void put(char c);

// Returns the next received byte, or -1 if none is waiting.
int try_get();

}  // namespace serial
