// kernel/arch/x86_64/serial.cc: the COM1 16550 UART, polled.
//
// Registers at COM1 (0x3F8) + offset (DLAB = bit 7 of the line control register):
//
//   +0  RBR (read) / THR (write) / DLL when DLAB=1: divisor low byte
//   +1  IER: interrupt enable    / DLM when DLAB=1: divisor high byte
//   +2  FCR: FIFO control (write)
//   +3  LCR: line control: word length, stop bits, parity, DLAB
//   +4  MCR: modem control: DTR, RTS, OUT2
//   +5  LSR: line status: bit 0 data ready, bit 5 transmit holding register empty
#include "arch/x86_64/serial.h"

#include "arch/x86_64/cpu.h"
#include "lib/console.h"

namespace serial {
namespace {

constexpr uint16_t kCom1 = 0x3F8;
constexpr uint16_t kData = kCom1 + 0;
constexpr uint16_t kInterruptEnable = kCom1 + 1;
constexpr uint16_t kFifoControl = kCom1 + 2;
constexpr uint16_t kLineControl = kCom1 + 3;
constexpr uint16_t kModemControl = kCom1 + 4;
constexpr uint16_t kLineStatus = kCom1 + 5;

constexpr uint8_t kLcrDlab = 0x80;
constexpr uint8_t kLcr8N1 = 0x03;
constexpr uint8_t kFcrEnableAndClear = 0x07;
constexpr uint8_t kMcrDtrRtsOut2 = 0x0B;
constexpr uint8_t kLsrDataReady = 0x01;
constexpr uint8_t kLsrTransmitEmpty = 0x20;
constexpr uint16_t kDivisor115200 = 1;  // 115200 / 115200

void put_raw(char c) {
    while (!(cpu::inb(kLineStatus) & kLsrTransmitEmpty)) cpu::pause();
    cpu::outb(kData, static_cast<uint8_t>(c));
}

}  // namespace

void init() {
    cpu::outb(kInterruptEnable, 0);
    cpu::outb(kLineControl, kLcrDlab);
    cpu::outb(kData, kDivisor115200 & 0xFF);
    cpu::outb(kInterruptEnable, kDivisor115200 >> 8);
    cpu::outb(kLineControl, kLcr8N1);
    cpu::outb(kFifoControl, kFcrEnableAndClear);
    cpu::outb(kModemControl, kMcrDtrRtsOut2);
}

void put(char c) {
    if (c == '\n') put_raw('\r');
    put_raw(c);
}

int try_get() {
    if (!(cpu::inb(kLineStatus) & kLsrDataReady)) return -1;
    return cpu::inb(kData);
}

}  // namespace serial

// The kernel console of lib/console.h is COM1.
void console::put(char c) { serial::put(c); }
