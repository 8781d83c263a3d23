// kernel/lib/kprintf.h: formatted output to the kernel console (COM1).
#pragma once

#include <cstdarg>

// Prints to the console; format as in lib/format.h.  Returns characters written.
int kprintf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
int vkprintf(const char* fmt, va_list args);
