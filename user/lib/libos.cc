// exolab: lab 3
// user/lib/libos.cc: exit, panic and error names (see libos.h).
#include "lib/libos.h"

#include <cstdarg>
#if LAB >= 4
#include "lib/upcall.h"
#if LAB >= 5
#include "lib/exits.h"
#include "lib/io.h"
#include "lib/spawn.h"
#endif
#endif

// A program defines `int main()` or `int main(int argc, char** argv)`: both
// are the same symbol, and one that takes no arguments ignores them.
int main(int argc, char** argv);

// crt0's call, with the stack pointer the domain started with: set up the
// libOS, run the program, end the domain.  A program the kernel started
// has nothing on its stack (sp == USTACK_TOP): no arguments.  One spawn
// started has argc, then argv, at sp (lib/spawn.h).
extern "C" [[noreturn]] void libos_main(uint64_t* sp) {
    static char* no_args[1] = {nullptr};
    int argc = 0;
    char** argv = no_args;
    if (reinterpret_cast<uint64_t>(sp) < USTACK_TOP) {
        argc = static_cast<int>(sp[0]);
        argv = reinterpret_cast<char**>(sp + 1);
    }
#if LAB >= 5
    spawn_inherit();
#endif
#if LAB >= 4
    if (int64_t r = upcalls_init(); r < 0) panic("libos: no upcall entry: %s", result_name(r));
#endif
    exit(main(argc, argv));
}

extern "C" void exit(int status) {
#if LAB >= 5
    exits::record(status);
    io::close_all_at_exit();
#else
    (void)status;  // a domain has no exit status before lab 5
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
    exit(kPanicStatus);
}

const char* result_name(int64_t result) {
    return result >= 0 ? "ok" : error_name(static_cast<Error>(-result));
}
