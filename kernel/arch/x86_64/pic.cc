// exolab: lab 2
// kernel/arch/x86_64/pic.cc: 8259A set-up and end-of-interrupt (see pic.h).
//
// Programming follows the 8259A data sheet: four initialisation command
// words (ICW1-ICW4) in sequence, then operation command words: OCW1 is the
// mask register (data port), OCW2 end-of-interrupt and OCW3 register
// select (command port).
#include "arch/x86_64/pic.h"

#include <cstdint>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/trap.h"

namespace pic {
namespace {

constexpr uint16_t kMasterCommand = 0x20;
constexpr uint16_t kMasterData = 0x21;
constexpr uint16_t kSlaveCommand = 0xA0;
constexpr uint16_t kSlaveData = 0xA1;

constexpr uint8_t kIcw1Init = 0x10;        // start initialisation
constexpr uint8_t kIcw1NeedsIcw4 = 0x01;   // (edge-triggered, cascaded: bits 3, 1 clear)
constexpr uint8_t kIcw3SlaveOnIrq2 = 0x04; // master: a slave on input 2 (bit mask)
constexpr uint8_t kIcw3CascadeId = 0x02;   // slave: its cascade identity, 2
constexpr uint8_t kIcw4Mode8086 = 0x01;
constexpr uint8_t kMaskAll = 0xFF;
constexpr uint8_t kOcw2EndOfInterrupt = 0x20;  // non-specific EOI
constexpr uint8_t kOcw3ReadIsr = 0x0B;         // next command-port read returns the in-service register
constexpr unsigned kCascadeIrq = 2;
constexpr unsigned kSpuriousMaster = 7, kSpuriousSlave = 15;

// Gives a slow PIC time between command words: a write to the POST
// diagnostic port, which nothing listens to, takes about a microsecond.
void io_wait() { cpu::outb(0x80, 0); }

void write(uint16_t port, uint8_t value) {
    cpu::outb(port, value);
    io_wait();
}

// The in-service register of the PIC at `command_port`: bit n set while the
// CPU handles that PIC's input n.
uint8_t in_service(uint16_t command_port) {
    cpu::outb(command_port, kOcw3ReadIsr);
    return cpu::inb(command_port);
}

}  // namespace

void init() {
    write(kMasterCommand, kIcw1Init | kIcw1NeedsIcw4);
    write(kSlaveCommand, kIcw1Init | kIcw1NeedsIcw4);
    write(kMasterData, trap::kIrqBase);       // ICW2: vector of input 0
    write(kSlaveData, trap::kIrqBase + 8);
    write(kMasterData, kIcw3SlaveOnIrq2);
    write(kSlaveData, kIcw3CascadeId);
    write(kMasterData, kIcw4Mode8086);
    write(kSlaveData, kIcw4Mode8086);
    write(kMasterData, kMaskAll);             // OCW1
    write(kSlaveData, kMaskAll);
    static_assert(kCascadeIrq == 2 && kIcw3SlaveOnIrq2 == 1u << kCascadeIrq);
}

bool acknowledge(unsigned irq) {
    if (irq == kSpuriousMaster && !(in_service(kMasterCommand) & 0x80)) return false;
    if (irq == kSpuriousSlave && !(in_service(kSlaveCommand) & 0x80)) {
        cpu::outb(kMasterCommand, kOcw2EndOfInterrupt);
        return false;
    }
    if (irq >= 8) cpu::outb(kSlaveCommand, kOcw2EndOfInterrupt);
    cpu::outb(kMasterCommand, kOcw2EndOfInterrupt);
    return true;
}

#if LAB >= 4
void unmask(unsigned irq) {
    if (irq >= 8) {
        cpu::outb(kSlaveData, cpu::inb(kSlaveData) & ~(1u << (irq - 8)));
        irq = kCascadeIrq;
    }
    cpu::outb(kMasterData, cpu::inb(kMasterData) & ~(1u << irq));
}
#endif

}  // namespace pic
