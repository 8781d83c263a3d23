// exolab: lab 5
// user/bin/argstack.cc: unit checks of spawn's argument page
// (lay_out_arguments, Exercise 8), on a page of this program's own memory:
// no file system and no child needed.
//
// Prints "argstack: <check>: ok" for each check, or the first thing found
// wrong.  The page lies between two guard pages filled with a pattern, and
// is itself filled with another one before each call (the layout must not
// rely on zeros).
#include "lib/libos.h"
#include "lib/spawn.h"
#include "lib/unitcheck.h"

namespace {

constexpr uint8_t kGuard = 0x5A;
constexpr uint8_t kJunk = 0xA5;
constexpr uint64_t kPageVa = USTACK_TOP - PAGE_SIZE;  // where spawn puts it

alignas(4096) uint8_t pages[3 * PAGE_SIZE];  // guard, the page, guard
uint8_t* const page = pages + PAGE_SIZE;

// Refills the guards and the page.
void refill() {
    memset(pages, kGuard, sizeof pages);
    memset(page, kJunk, PAGE_SIZE);
}

// Whether the guard pages are as refill left them.
bool guards_intact() {
    for (uint64_t i = 0; i < PAGE_SIZE; i++) {
        if (pages[i] != kGuard || page[PAGE_SIZE + i] != kGuard) return false;
    }
    return true;
}

// Checks the page laid out at child address va for argv (argc strings)
// against the contract in spawn.h, rsp being what the call returned.
bool verify(uint64_t va, const char* const* argv, uint64_t argc, uint64_t rsp) {
    if (rsp % 16 != 0) return fail("rsp is not a multiple of 16");
    uint64_t words = argc + 5;
    if (rsp < va || rsp >= va + PAGE_SIZE || words * 8 > va + PAGE_SIZE - rsp) {
        return fail("rsp, or the words above it, outside the page");
    }
    const auto* w = reinterpret_cast<const uint64_t*>(page + (rsp - va));
    if (w[0] != argc) return fail("argc at rsp is wrong");
    for (uint64_t i = argc + 1; i < words; i++) {
        if (w[i] != 0) return fail("argv[argc], envp's end or auxv's AT_NULL pair is not zero");
    }
    uint64_t words_end = rsp + words * 8;
    for (uint64_t i = 0; i < argc; i++) {
        uint64_t at = w[1 + i];
        uint64_t len = strlen(argv[i]) + 1;
        if (at < va || at >= va + PAGE_SIZE || len > va + PAGE_SIZE - at) {
            return fail("an argv pointer is not a child address inside the page");
        }
        if (at < words_end && at + len > rsp) return fail("a string overlaps the words");
        if (memcmp(page + (at - va), argv[i], len) != 0) return fail("a string was not copied intact");
    }
    if (!guards_intact()) return fail("bytes outside the page were written");
    return true;
}

// Lays out argv at kPageVa and verifies it.
bool lay_out_and_verify(const char* const* argv, uint64_t argc) {
    refill();
    Result<uint64_t> rsp = lay_out_arguments(page, kPageVa, argv);
    if (!rsp) return fail("refused arguments within the limits");
    return verify(kPageVa, argv, argc, rsp.value());
}

// Whether the page and the guards are exactly as refill left them.
bool untouched() {
    for (uint64_t i = 0; i < PAGE_SIZE; i++) {
        if (page[i] != kJunk) return false;
    }
    return guards_intact();
}

// The call must refuse argv with InvalidArgument and change nothing.
bool refused(const char* const* argv, uint64_t va) {
    refill();
    Result<uint64_t> r = lay_out_arguments(page, va, argv);
    if (r) return fail("accepted what it must refuse");
    if (r.error() != Error::InvalidArgument) return fail("refused, but not with InvalidArgument");
    if (!untouched()) return fail("a refusal changed the page");
    return true;
}

bool check_layout() {
    const char* argv[] = {"args", "one", "two words", "", "x y", nullptr};
    return lay_out_and_verify(argv, 5);
}

bool check_no_arguments() {
    const char* none[] = {nullptr};
    return lay_out_and_verify(nullptr, 0) && lay_out_and_verify(none, 0);
}

// Every count of strings of every length modulo 16 gives a 16-aligned rsp.
bool check_alignment() {
    static char text[40][20];
    static const char* argv[41];
    for (uint64_t n = 0; n <= 40; n++) {
        for (uint64_t i = 0; i < n; i++) {
            uint64_t len = (n * 7 + i * 3) % 17;
            memset(text[i], static_cast<int>('a' + i % 26), len);
            text[i][len] = '\0';
            argv[i] = text[i];
        }
        argv[n] = nullptr;
        if (!lay_out_and_verify(argv, n)) return false;
    }
    return true;
}

bool check_limits() {
    static const char* many[kMaxArgs + 2];
    for (int i = 0; i <= kMaxArgs; i++) many[i] = "x";
    many[kMaxArgs] = nullptr;
    if (!lay_out_and_verify(many, kMaxArgs)) return false;
    many[kMaxArgs] = "x";  // one too many
    if (!refused(many, kPageVa)) return false;
    static char big[kMaxArgBytes + 1];
    memset(big, 'b', kMaxArgBytes - 1);  // kMaxArgBytes with its NUL
    const char* one_big[] = {big, nullptr};
    if (!lay_out_and_verify(one_big, 1)) return false;
    big[kMaxArgBytes - 1] = 'b';  // one byte too many
    if (!refused(one_big, kPageVa)) return false;
    // Both limits at once: kMaxArgs strings, kMaxArgBytes bytes in all.
    static char part[kMaxArgs][kMaxArgBytes / kMaxArgs];
    static const char* full[kMaxArgs + 1];
    for (int i = 0; i < kMaxArgs; i++) {
        memset(part[i], static_cast<int>('A' + i % 26), sizeof part[i] - 1);
        full[i] = part[i];
    }
    full[kMaxArgs] = nullptr;
    return lay_out_and_verify(full, kMaxArgs);
}

// The pointers follow page_va, whatever it is: the page is the child's.
bool check_child_addresses() {
    const char* argv[] = {"echo", "elsewhere", nullptr};
    const uint64_t places[] = {USER_BASE, 0x0000123456789000, USER_TOP - PAGE_SIZE};
    for (uint64_t va : places) {
        refill();
        Result<uint64_t> rsp = lay_out_arguments(page, va, argv);
        if (!rsp) return fail("refused a user page as page_va");
        if (!verify(va, argv, 2, rsp.value())) return false;
    }
    return true;
}

// A page_va that is not a page of user space is refused.
bool check_page_bounds() {
    const char* argv[] = {"echo", nullptr};
    const uint64_t bad[] = {0, USER_BASE - PAGE_SIZE, kPageVa + 8, USER_TOP, 0x0000800000000000,
                            0xFFFF800000000000, 0xFFFFFFFFFFFFF000};
    for (uint64_t va : bad) {
        if (!refused(argv, va)) return false;
    }
    return true;
}


}  // namespace

int main() {
    UnitChecks checks("argstack");
    checks.run("layout", check_layout);
    checks.run("no arguments", check_no_arguments);
    checks.run("alignment", check_alignment);
    checks.run("limits", check_limits);
    checks.run("child addresses", check_child_addresses);
    checks.run("page bounds", check_page_bounds);
    return 0;
}
