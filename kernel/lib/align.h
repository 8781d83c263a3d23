// kernel/lib/align.h: rounding to a multiple (page boundaries, mostly).
#pragma once

#include <cstdint>

// x rounded down / up to a multiple of `to` (to > 0).  round_up(x, to)
// requires x + to - 1 to fit in 64 bits.
constexpr uint64_t round_down(uint64_t x, uint64_t to) { return x / to * to; }
constexpr uint64_t round_up(uint64_t x, uint64_t to) { return (x + to - 1) / to * to; }
