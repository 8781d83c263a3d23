// kernel/arch/x86_64/cpu.h: the few x86-64 instructions the kernel needs
// from C++, each a one-line inline wrapper.
#pragma once

#include <cstdint>

namespace cpu {

// Writes the byte `value` to I/O port `port`.
inline void outb(uint16_t port, uint8_t value) {
    asm volatile("outb %0, %1" : : "a"(value), "Nd"(port));
}

// Reads one byte from I/O port `port`.
inline uint8_t inb(uint16_t port) {
    uint8_t value;
    asm volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
    return value;
}

// The current frame pointer (rbp): the head of the frame-pointer chain.
inline uint64_t read_rbp() {
    uint64_t rbp;
    asm volatile("mov %%rbp, %0" : "=r"(rbp));
    return rbp;
}

// The address of the instruction after this one: where the caller is now.
inline uint64_t read_rip() {
    uint64_t rip;
    asm volatile("lea 0(%%rip), %0" : "=r"(rip));
    return rip;
}

// Stops the CPU until the next interrupt (forever, with interrupts off).
inline void halt() { asm volatile("hlt"); }

// Masks maskable interrupts.
inline void disable_interrupts() { asm volatile("cli"); }

// Hints to the CPU that this is a spin-wait loop.
inline void pause() { asm volatile("pause"); }

}  // namespace cpu
