// kernel/lib/string.cc: string and memory functions.
#include "lib/string.h"

extern "C" {

// memcpy and memset use the string instructions, eight bytes a step and
// then the last few bytes one at a time: QEMU (and modern CPUs) run them
// far faster than a loop, and under -icount (DESIGN §8) each step is one
// tick, so a page costs 512 ticks rather than 4,096.
void* memcpy(void* dst, const void* src, size_t n) {
    void* d = dst;
    size_t words = n / 8, bytes = n % 8;
    asm volatile("rep movsq" : "+D"(d), "+S"(src), "+c"(words) : : "memory");
    asm volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(bytes) : : "memory");
    return dst;
}

void* memmove(void* dst, const void* src, size_t n) {
    auto* d = static_cast<unsigned char*>(dst);
    auto* s = static_cast<const unsigned char*>(src);
    if (d < s) {
        for (size_t i = 0; i < n; i++) d[i] = s[i];
    } else {
        for (size_t i = n; i > 0; i--) d[i - 1] = s[i - 1];
    }
    return dst;
}

void* memset(void* dst, int c, size_t n) {
    void* d = dst;
    size_t words = n / 8, bytes = n % 8;
    uint64_t pattern = 0x0101010101010101ull * static_cast<unsigned char>(c);
    asm volatile("rep stosq" : "+D"(d), "+c"(words) : "a"(pattern) : "memory");
    asm volatile("rep stosb" : "+D"(d), "+c"(bytes) : "a"(pattern) : "memory");
    return dst;
}

int memcmp(const void* a, const void* b, size_t n) {
    auto* x = static_cast<const unsigned char*>(a);
    auto* y = static_cast<const unsigned char*>(b);
    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
    }
    return 0;
}

size_t strlen(const char* s) {
    size_t n = 0;
    while (s[n] != '\0') n++;
    return n;
}

int strcmp(const char* a, const char* b) {
    while (*a != '\0' && *a == *b) a++, b++;
    return static_cast<unsigned char>(*a) - static_cast<unsigned char>(*b);
}

int strncmp(const char* a, const char* b, size_t n) {
    for (; n > 0; n--, a++, b++) {
        if (*a != *b || *a == '\0') return static_cast<unsigned char>(*a) - static_cast<unsigned char>(*b);
    }
    return 0;
}

char* strchr(const char* s, int c) {
    for (;; s++) {
        if (*s == static_cast<char>(c)) return const_cast<char*>(s);
        if (*s == '\0') return nullptr;
    }
}

}  // extern "C"

bool parse_hex(const char* s, uint64_t* out) {
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s += 2;
    if (*s == '\0') return false;
    uint64_t value = 0;
    for (; *s != '\0'; s++) {
        unsigned digit;
        if (*s >= '0' && *s <= '9') digit = *s - '0';
        else if (*s >= 'a' && *s <= 'f') digit = *s - 'a' + 10;
        else if (*s >= 'A' && *s <= 'F') digit = *s - 'A' + 10;
        else return false;
        if (value >> 60) return false;
        value = value << 4 | digit;
    }
    *out = value;
    return true;
}
