// exolab: lab 3
// user/bin/sysargs.cc: the dispatcher, seen from user space.
//
// "number" lines: raw system calls whose number is no call of
// syscalls.def (past the table, negative, or with a call's number in its
// low 32 bits) must all fail with NotImplemented, and a real one still
// works.  "argument" lines: each argument of map and cputs reaches the
// handler from its own register, the fourth from r10 (SYSCALL keeps the
// return address in rcx).
#include "lib/libos.h"
#include "lib/windows.h"
#include "lib/x86.h"

namespace {

constexpr uint64_t kPage = 0x10000000;
constexpr uint64_t kSelfCall = 2;  // syscalls.def: self

// The first number past the table: one more than syscalls.def's highest.
constexpr uint64_t past_the_table() {
    uint64_t past = 0;
#define SYSCALL(number, name, params, names, doc, errors) \
    if (uint64_t{number} + 1 > past) past = uint64_t{number} + 1;
#include "abi/syscalls.def"
#undef SYSCALL
    return past;
}

void number(const char* what, uint64_t n) {
    printf("sysargs: number %s: %s\n", what, result_name(raw_syscall(n)));
}

void argument(const char* what, int64_t result) {
    printf("sysargs: argument %s: %s\n", what, result_name(result));
}

}  // namespace

int main() {
    number("just past the table", past_the_table());
    number("255", 255);
    number("-1", ~0ull);
    number("2^32 + self's", (1ull << 32) + kSelfCall);
    number("2^63 + self's", (1ull << 63) + kSelfCall);
    number("-2^32 + self's", (~0ull << 32) + kSelfCall);
    int64_t me = raw_syscall(kSelfCall);
    printf("sysargs: number self's: %s\n", me == sys_self() && me > 0 ? "ok" : result_name(me));

    int64_t pfn = sys_frame_alloc(0);
    if (pfn < 0) panic("sys_frame_alloc: %s", result_name(pfn));
    uint64_t frame = static_cast<uint64_t>(pfn);
    argument("1 (dom) names no domain", sys_map(static_cast<uint64_t>(me) + 5, kPage, frame, PERM_W));
    argument("2 (va) unaligned", sys_map(0, kPage + 8, frame, PERM_W));
    argument("3 (pfn) past the frame table", sys_map(0, kPage, frame_table_entries() + 1, PERM_W));
    argument("4 (perm) an unknown bit", sys_map(0, kPage, frame, 1ull << 40));
    argument("4 (perm) read-only", sys_map(0, kPage, frame, 0));
    bool read_only = (lookup_pte(kPage) & (kPtePresent | kPteWritable)) == kPtePresent;
    argument("4 (perm) writable", sys_map(0, kPage, frame, PERM_W));
    bool writable = (lookup_pte(kPage) & (kPtePresent | kPteWritable)) == (kPtePresent | kPteWritable);
    printf("sysargs: argument 4 (perm) gives the rights asked for: %s\n", read_only && writable ? "yes" : "no");
    const char* line = "sysargs: cputs of this line\n";
    argument("cputs of a line", sys_cputs(line, strlen(line)));
    argument("cputs of a kernel address", sys_cputs(reinterpret_cast<const char*>(KERNEL_BASE), 1));
    return 0;
}
