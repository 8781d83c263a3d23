// exolab: lab 4
// kernel/arch/x86_64/pit.cc: channel 0 of the interval timer (see pit.h).
#include "arch/x86_64/pit.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/pic.h"

namespace pit {
namespace {

constexpr uint16_t kChannel0Data = 0x40;
constexpr uint16_t kCommand = 0x43;
// Command byte: channel 0 (bits 7-6 = 00), low byte then high byte
// (5-4 = 11), mode 2, rate generator (3-1 = 010), binary (0 = 0).
constexpr uint8_t kChannel0RateGenerator = 0x34;
constexpr unsigned kTimerIrq = 0;

}  // namespace

uint32_t start(uint32_t hz) {
    if (hz < kMinHz) hz = kMinHz;
    if (hz > kMaxHz) hz = kMaxHz;
    uint32_t divisor = (kInputHz + hz / 2) / hz;
    cpu::outb(kCommand, kChannel0RateGenerator);
    cpu::outb(kChannel0Data, static_cast<uint8_t>(divisor & 0xFF));
    cpu::outb(kChannel0Data, static_cast<uint8_t>(divisor >> 8));
    pic::unmask(kTimerIrq);
    return (kInputHz + divisor / 2) / divisor;
}

}  // namespace pit
