// kernel/lib/kprintf.cc: formatted output to the kernel console (console::put).
#include "lib/kprintf.h"

#include "lib/console.h"
#include "lib/format.h"

namespace {

void put_console(void*, char c) { console::put(c); }

}  // namespace

int vkprintf(const char* fmt, va_list args) { return vformat(Sink{put_console, nullptr}, fmt, args); }

int kprintf(const char* fmt, ...) {
    va_list args;
    va_start(args, fmt);
    int n = vkprintf(fmt, args);
    va_end(args);
    return n;
}
