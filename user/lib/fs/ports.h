// exolab: lab 5
// user/lib/fs/ports.h: the port instructions, for a domain that holds the
// ports (io_grant).  Without the grant each of them raises #GP.
#pragma once

#include <cstdint>

inline uint8_t inb(uint16_t port) {
    uint8_t value;
    asm volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
    return value;
}

inline void outb(uint16_t port, uint8_t value) { asm volatile("outb %0, %1" : : "a"(value), "Nd"(port)); }

// Reads `words` 16-bit words from `port` into buf (rep insw).
inline void insw(uint16_t port, void* buf, uint32_t words) {
    asm volatile("rep insw" : "+D"(buf), "+c"(words) : "d"(port) : "memory");
}

// Writes `words` 16-bit words from buf to `port` (rep outsw).
inline void outsw(uint16_t port, const void* buf, uint32_t words) {
    asm volatile("rep outsw" : "+S"(buf), "+c"(words) : "d"(port));
}
