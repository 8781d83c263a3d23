// exolab: lab 3
// user/lib/x86.h: instructions that C++ cannot express.
//
// Test programs touch memory through these, not through C++ pointers: a
// load from address 0 is undefined behaviour in C++, and the compiler may
// delete it or replace it with a trap of its own choosing.
#pragma once

#include <cstdint>

// Reads the 8 bytes at `address` with one mov.
inline uint64_t load_from(uint64_t address) {
    uint64_t value;
    asm volatile("movq (%1), %0" : "=r"(value) : "r"(address) : "memory");
    return value;
}

// Writes `value` to the 8 bytes at `address` with one mov.
inline void store_to(uint64_t address, uint64_t value) {
    asm volatile("movq %1, (%0)" : : "r"(address), "r"(value) : "memory");
}

// The time-stamp counter, ordered against the instructions around it:
// the lfences keep rdtsc from running before earlier instructions finish
// or after later ones start.  Under QEMU -icount it counts instructions.
inline uint64_t rdtsc_ordered() {
    uint32_t low, high;
    asm volatile("lfence\n\trdtsc\n\tlfence" : "=a"(low), "=d"(high) : : "memory");
    return static_cast<uint64_t>(high) << 32 | low;
}
