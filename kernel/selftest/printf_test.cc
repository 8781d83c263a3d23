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

// A case whose format gcc would reject at compile time (flags C leaves to
// the implementation), passed through a volatile pointer so it is not checked.
#define UNCHECKED_CASE(fmt, ...)                           \
    do {                                                   \
        const char* volatile unchecked = fmt;              \
        char result[96];                                   \
        snformat(result, sizeof(result), unchecked, __VA_ARGS__); \
        kprintf("printf %s => [%s]\n", fmt, result);       \
    } while (0)

}  // namespace

void printf_cases() {
    // Conversions with no field and no length to honour (provided).
    CASE("%d", 0);
    CASE("%d", 1234);
    CASE("%u", 4000000000u);
    CASE("%x", 0xdeadbeefu);
    CASE("%X", 0xcafe42u);
    CASE("%o", 8u);
    CASE("%o", 0755u);
    CASE("%c%c%c", 'e', 'x', 'o');
    CASE("%s", "exolab");
    CASE("%.3s", "exolab");
    const char* volatile null_string = nullptr;  // volatile: gcc rejects a literal null %s
    CASE("%s", null_string);
    CASE("%d%%", 100);
    CASE("%x %d %s", 255u, 7, "mixed");
    // Fields: width, '0' and '-' (Exercise 1).
    CASE("%5d", 42);
    CASE("%-5d|", 42);
    CASE("%05ld", -42l);
    UNCHECKED_CASE("%-05d|", 42);
    CASE("%-4ld|", -7l);
    CASE("%2d", 12345);
    CASE("%08x", 0xbeefu);
    CASE("%-6x|", 255u);
    CASE("%p", reinterpret_cast<void*>(0xffffffff80100000ul));
    CASE("%3c|", 'x');
    CASE("%8s|", "exo");
    CASE("%-8s|", "exo");
    UNCHECKED_CASE("%08s|", "exo");
    CASE("%*d", 6, 7);
    // Lengths and signedness (Exercise 2).
    CASE("%d", INT_MIN);
    CASE("%i", -56789);
    CASE("%d", -1);
    CASE("%u", UINT_MAX);
    CASE("%x", -1);
    CASE("%ld", LONG_MIN);
    CASE("%lu", ULONG_MAX);
    CASE("%llx", 0x123456789abcdef0ull);
    CASE("%lld", -1234567890123ll);
    CASE("%zu", sizeof(uint64_t[512]));
    CASE("%zx", static_cast<size_t>(0x123456789abul));  // a size_t above 32 bits
    CASE("%zd", -5000000000l);                            // a signed one below -2^32
    CASE("%hd", -1234);
    CASE("%hu", 70000);
    CASE("%hx", 0x12345);
    CASE("%hhd", 200);
    CASE("%hhu", 300);
    CASE("%hhx", -1);
    CASE("%hu|", 40000);
    CASE("%hx|", 0x8001);
    // The ABI leaves the bits above 31 of an int argument's register
    // undefined: a 64-bit argument with those bits set stands in for such an
    // int, so a conversion that reads more than its promoted type shows it.
    UNCHECKED_CASE("%u|", 0xdead00000000002aul);
    UNCHECKED_CASE("%d|", 0x00000001fffffffful);
    UNCHECKED_CASE("%x|", 0xffffffff0000beeful);
}

}  // namespace selftest
