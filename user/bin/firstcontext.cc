// exolab: lab 3
// user/bin/firstcontext.cc: what the kernel gave the program to start with.
//
// The selectors and rflags as main sees them (nothing before main changes
// them: crt0 only sets up the call), and the stack: the pages of
// [USTACK_TOP - 4 pages, USTACK_TOP) mapped user, writable and not
// executable, the page below them unmapped (the guard).  And what crt0
// found on the stack: a program the kernel starts has rsp exactly at
// USTACK_TOP (16-byte aligned, as the System V ABI wants at entry), which
// libos_main reads as "no arguments"; any other rsp has it read argc and
// argv from the stack, and argv then points at the page above it.
#include "lib/libos.h"
#include "lib/windows.h"

namespace {

constexpr uint64_t kStackPages = 4;  // kernel/domain/loader.h
constexpr uint64_t kRflagsSystemBits = 0x3000 | 1ull << 8 | 1ull << 10 | 1ull << 14 | 1ull << 18;  // IOPL TF DF NT AC

// "user rw- nx" style rights of the page at va, or "unmapped".
const char* rights(uint64_t va, char (&out)[16]) {
    uint64_t pte = lookup_pte(va);
    if (!(pte & kPtePresent)) return "unmapped";
    snprintf(out, sizeof(out), "%s %s %s", pte & kPteUser ? "user" : "kernel", pte & kPteWritable ? "rw" : "r-",
             pte & kPteNoExecute ? "nx" : "x");
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    uint16_t cs, ss;
    uint64_t rflags;
    asm volatile("mov %%cs, %0\n\tmov %%ss, %1" : "=r"(cs), "=r"(ss));
    // Past the red zone before pushing, so no local of main is overwritten.
    asm volatile("sub $128, %%rsp\n\tpushfq\n\tpop %0\n\tadd $128, %%rsp" : "=r"(rflags));
    printf("firstcontext: cs 0x%x ss 0x%x\n", cs, ss);
    printf("firstcontext: interrupts %s, IOPL/TF/DF/NT/AC %s\n", rflags & (1ull << 9) ? "on" : "off",
           rflags & kRflagsSystemBits ? "set" : "clear");
    uint64_t sp;
    asm volatile("mov %%rsp, %0" : "=r"(sp));
    bool top_page = sp < USTACK_TOP && sp >= USTACK_TOP - PAGE_SIZE;
    printf("firstcontext: rsp within the top page of the stack: %s\n", top_page ? "yes" : "no");
    char buf[16];
    printf("firstcontext: top page: %s\n", rights(USTACK_TOP - PAGE_SIZE, buf));
    printf("firstcontext: bottom page: %s\n", rights(USTACK_TOP - kStackPages * PAGE_SIZE, buf));
    printf("firstcontext: guard page: %s\n", rights(USTACK_TOP - (kStackPages + 1) * PAGE_SIZE, buf));
    printf("firstcontext: arguments: argc %d, argv[0] %s\n", argc, argv[0] == nullptr ? "null" : "set");
    return 0;
}
