// exolab: lab 3
// user/lib/stdio.h: console output for user programs.
//
// printf and friends take the conversions of the kernel's kprintf
// (kernel/lib/format.h: %d %i %u %x %X %o %p %s %c %%, flags '-' '0', width,
// precision for %s, length l ll z).  Output is collected in a buffer and
// written with one sys_cputs per 256 bytes, so a line printed by one
// printf call reaches the console in one piece.
#pragma once

#include <cstdarg>
#include <cstddef>

// Formats `fmt` with the arguments and writes it to the console.
// Returns the number of characters written.
int printf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

// printf with a va_list.
int vprintf(const char* fmt, va_list args);

// Formats into buf: at most size - 1 characters, NUL-terminated when
// size > 0.  Returns the length the whole result would have (as C's).
int snprintf(char* buf, size_t size, const char* fmt, ...) __attribute__((format(printf, 3, 4)));

// snprintf with a va_list.
int vsnprintf(char* buf, size_t size, const char* fmt, va_list args);

// Writes the string s and a newline.  Returns the number of characters.
int puts(const char* s);
