// kernel/selftest/printf_test.cc: "run=printf" prints each case as
//   printf <format> => [<result>]
// and grade/test_lab1_boot.py recomputes every expected result independently.
#include <climits>
#include <cstdint>

#include "lib/format.h"
#include "lib/kprintf.h"
#include "selftest/selftest.h"

namespace selftest {
namespace {

// Formats one case into a buffer (so the result can be bracketed) and prints it.
#define CASE(fmt, ...)                                   \
    do {                                                 \
        char result[96];                                 \
        snformat(result, sizeof(result), fmt, __VA_ARGS__); \
        kprintf("printf %s => [%s]\n", fmt, result);     \
    } while (0)

}  // namespace

void printf_cases() {
    CASE("%d", 0);
    CASE("%d", 1234);
    CASE("%d", INT_MIN);
    CASE("%i", -56789);
    CASE("%u", UINT_MAX);
    CASE("%x", 0xdeadbeefu);
    CASE("%X", 0xcafe42u);
    CASE("%o", 8u);
    CASE("%o", 0755u);
    CASE("%5d", 42);
    CASE("%-5d|", 42);
    CASE("%05d", -42);
    CASE("%08x", 0xbeefu);
    CASE("%-6x|", 255u);
    CASE("%ld", LONG_MIN);
    CASE("%lu", ULONG_MAX);
    CASE("%llx", 0x123456789abcdef0ull);
    CASE("%lld", -1234567890123ll);
    CASE("%zu", sizeof(uint64_t[512]));
    CASE("%p", reinterpret_cast<void*>(0xffffffff80100000ul));
    CASE("%c%c%c", 'e', 'x', 'o');
    CASE("%s", "exolab");
    CASE("%8s|", "exo");
    CASE("%-8s|", "exo");
    CASE("%.3s", "exolab");
    const char* volatile null_string = nullptr;  // volatile: gcc rejects a literal null %s
    CASE("%s", null_string);
    CASE("%d%%", 100);
    CASE("%*d", 6, 7);
    CASE("%x %d %s", 255u, -1, "mixed");
}

}  // namespace selftest
