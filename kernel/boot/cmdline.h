// kernel/boot/cmdline.h: reading "key=value" words from the kernel command line.
#pragma once

#include <cstddef>
#if LAB >= 4
#include <cstdint>
#endif

namespace cmdline {

// Finds the first word of `line` that is `key`, '=', and a value (possibly
// empty), and copies the value into buf: at most size - 1 characters,
// always terminated when size > 0 (with size 0 nothing is written).  Words
// are separated by one or more spaces, and the line may begin or end with
// spaces.  Returns false, with buf empty (size > 0), if there is no such word.  A word only matches as a whole:
// "xrun=1" and "runner=1" are no "run" words, nor is "run" without '='.
bool get(const char* line, const char* key, char* buf, size_t size);

#if LAB >= 4
// The value of "key=N" (N decimal, at most 9 digits), or `otherwise` if
// there is no such word or its value is not such a number.
uint32_t get_number(const char* line, const char* key, uint32_t otherwise);
#endif

}  // namespace cmdline
