// kernel/boot/cmdline.h: reading "key=value" words from the kernel command line.
#pragma once

#include <cstddef>

namespace cmdline {

// Finds the first word of `line` that is `key`, '=', and a value (possibly
// empty), and copies the value into buf: at most size - 1 characters,
// always terminated when size > 0.  Words are separated by one or more
// spaces, and the line may begin or end with spaces.  Returns false, with
// buf empty, if there is no such word.  A word only matches as a whole:
// "xrun=1" and "runner=1" are no "run" words, nor is "run" without '='.
bool get(const char* line, const char* key, char* buf, size_t size);

}  // namespace cmdline
