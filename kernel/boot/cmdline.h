// kernel/boot/cmdline.h: reading "key=value" words from the kernel command line.
#pragma once

#include <cstddef>

namespace cmdline {

// Copies the value of the first "key=value" word of `line` into buf (at
// most size - 1 characters, always terminated).  Returns false, leaving buf
// empty, if there is no such word.  Words are separated by spaces.
bool get(const char* line, const char* key, char* buf, size_t size);

}  // namespace cmdline
