// kernel/selftest/selftest.cc: the table of kernel self-tests.
#include "selftest/selftest.h"

#include "lib/panic.h"
#include "lib/string.h"

namespace selftest {
namespace {

struct Test {
    const char* name;
    void (*run)();
};

void backtrace_test() { backtrace_from_depth(5); }

void panic_test() { panic("self-test panic %d", 42); }

const Test kTests[] = {
    {"printf", printf_cases},
    {"backtrace", backtrace_test},
    {"panic", panic_test},
};

}  // namespace

bool run(const char* name, const multiboot::BootInfo&) {
    for (const Test& t : kTests) {
        if (strcmp(name, t.name) == 0) {
            t.run();
            return true;
        }
    }
    return false;
}

}  // namespace selftest
