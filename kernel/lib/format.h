// kernel/lib/format.h: printf-style formatting onto any character sink.
//
// Conversions: %d %i %u %x %X %o %p %s %c %%.
// Flags: '-' (left-justify), '0' (pad numbers with zeros).
// Width: digits or '*'.  Precision: '.digits' or '.*', for %s only.
// Length modifiers: hh, h, l, ll, z (for the integer conversions).
#pragma once

#include <cstdarg>
#include <cstddef>
#include <cstdint>

// Where formatted characters go: put(context, c) is called once per character.
struct Sink {
    void (*put)(void* context, char c);
    void* context;
};

// How one conversion is to be laid out.
struct FormatSpec {
    unsigned width = 0;          // minimum field width; 0 = none
    bool left_justify = false;   // '-': pad on the right instead of the left
    bool zero_pad = false;       // '0': pad numbers with '0' after the sign
};

// Formats `fmt` with `args` onto `out`.  Returns the number of characters
// written.  An unknown conversion is written out as it stands, so a typo in
// a format string shows in the output instead of eating arguments silently.
int vformat(Sink out, const char* fmt, va_list args);

// Formats into buf (at most size - 1 characters, always NUL-terminated when
// size > 0).  Returns the length the full result would have.
int snformat(char* buf, size_t size, const char* fmt, ...) __attribute__((format(printf, 3, 4)));
