// kernel/boot/cmdline.h: reading "key=value" words from the kernel command line.
#pragma once

#include <cstddef>
#if LAB >= 4
#include <cstdint>
#endif

namespace cmdline {

// Copies the value of the first "key=value" word of `line` into buf (at
// most size - 1 characters, always terminated).  Returns false, leaving buf
// empty, if there is no such word.  Words are separated by spaces.
bool get(const char* line, const char* key, char* buf, size_t size);

#if LAB >= 4
// The value of "key=N" (N decimal, at most 9 digits), or `otherwise` if
// there is no such word or its value is not such a number.
uint32_t get_number(const char* line, const char* key, uint32_t otherwise);
#endif

}  // namespace cmdline
