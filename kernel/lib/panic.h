// kernel/lib/panic.h: stopping on a bug: panic() and kassert().
//
// Declared here so that every layer (lib's own Result among them) can
// assert; defined by whoever runs the code: kernel/debug/panic.cc in the
// kernel (report, backtrace, QEMU's failure code), user/lib/libos.cc in
// user space (report, exit the domain).
#pragma once

// Prints "<who> panic at file:line: message" and stops.  For bugs only:
// never for bad user input, which gets an Error.
[[noreturn]] void panic_at(const char* file, int line, const char* fmt, ...) __attribute__((format(printf, 3, 4)));

#define panic(...) panic_at(__FILE__, __LINE__, __VA_ARGS__)

// Panics with the failed condition's text unless `condition` holds.
#define kassert(condition) \
    ((condition) ? (void)0 : panic_at(__FILE__, __LINE__, "assertion failed: %s", #condition))
