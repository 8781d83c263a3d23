// kernel/lib/string.h: the C string and memory functions the kernel uses.
// memcpy, memmove, memset and memcmp must exist under these names because
// the compiler emits calls to them for struct copies and initialisation.
#pragma once

#include <cstddef>
#include <cstdint>

extern "C" {
void* memcpy(void* dst, const void* src, size_t n);
void* memmove(void* dst, const void* src, size_t n);
void* memset(void* dst, int c, size_t n);
int memcmp(const void* a, const void* b, size_t n);
size_t strlen(const char* s);
int strcmp(const char* a, const char* b);
int strncmp(const char* a, const char* b, size_t n);
char* strchr(const char* s, int c);
}

// Parses all of `s` as a hexadecimal number, with or without "0x".
// Returns false (leaving *out alone) if s is empty, has another character,
// or does not fit in 64 bits.
bool parse_hex(const char* s, uint64_t* out);
