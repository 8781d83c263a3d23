// exolab: lab 3
// user/lib/libos.cc: exit, panic and error names (see libos.h).
#include "lib/libos.h"

#include <cstdarg>
#if LAB >= 4
#include "lib/upcall.h"
#if LAB >= 5
#include "lib/fs/fs.h"
#endif
#endif

int main();

// crt0's call: set up the libOS, run the program, end the domain.
extern "C" [[noreturn]] void libos_main() {
#if LAB >= 4
    if (int64_t r = upcalls_init(); r < 0) panic("libos: no upcall entry: %s", result_name(r));
#endif
    (void)main();
    exit();
}

extern "C" void exit() {
#if LAB >= 5
    exofs::close_all_at_exit();
#endif
    (void)sys_domain_destroy(0);
    // Not reached: destroying oneself does not return.  If a kernel bug
    // let it return, die loudly (invalid opcode) rather than run on.
    __builtin_trap();
}

void panic_at(const char* file, int line, const char* fmt, ...) {
    char message[200];
    va_list args;
    va_start(args, fmt);
    (void)vsnprintf(message, sizeof(message), fmt, args);
    va_end(args);
    printf("user panic at %s:%d: %s\n", file, line, message);
    exit();
}

const char* result_name(int64_t result) {
    return result >= 0 ? "ok" : error_name(static_cast<Error>(-result));
}
