// exolab: lab 4
// kernel/arch/x86_64/pit.h: the 8253/8254 programmable interval timer, the
// PC's periodic clock (DESIGN §3.4).  Channel 0 raises IRQ 0 at the chosen
// rate; the domain layer ends a time slice on each one.
#pragma once

#include <cstdint>

namespace pit {

// The PIT's input clock, 1.193182 MHz: a rate is this divided by a 16-bit
// divisor, so rates between 19 Hz and about 1.19 MHz are possible.
inline constexpr uint32_t kInputHz = 1193182;
inline constexpr uint32_t kMinHz = 19;
inline constexpr uint32_t kMaxHz = 20000;  // beyond this QEMU's TCG does little but take interrupts

// Programs channel 0 as a rate generator of `hz` interrupts per second
// (clamped to [kMinHz, kMaxHz]) and unmasks IRQ 0 at the PIC.  Returns the
// rate actually set (the divisor rounds it).  Interrupts stay disabled: the
// first arrives when user code, or the idle loop, enables them.
uint32_t start(uint32_t hz);

}  // namespace pit
