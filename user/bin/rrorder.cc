// exolab: lab 4
// user/bin/rrorder.cc: the root scheduler's round-robin order.
//
// init forks kChildren spinners, then prints "rrorder: go" and raises a
// flag on a PERM_SHARE page: from there on all exist.  Each spinner waits
// for the flag, then watches its own `runs` in the domain table and prints
// "rrorder: <id> resumed" each time it notices it was given the CPU again,
// kRounds times, then exits (so all its counted slices follow "go", however
// slowly the forks went).  Run with trace=1: the kernel's slice
// lines show the order in which the spinners ran, which must be a
// rotation in id order among those still alive.
#include "abi/domain.h"
#include "lib/fork.h"
#include "lib/libos.h"
#include "lib/windows.h"

namespace {

constexpr int kChildren = 4;
constexpr uint64_t kRounds = 6;
constexpr uint64_t kFlagPage = 0x30000000;

volatile uint64_t& go_flag() { return *reinterpret_cast<volatile uint64_t*>(kFlagPage); }

void spinner() {
    uint64_t self = static_cast<uint64_t>(sys_self());
    const volatile DomainInfo& me = domain_table()[self];
    while (go_flag() == 0) {
    }
    uint64_t runs = me.runs;
    for (uint64_t seen = 0; seen < kRounds;) {
        if (me.runs != runs) {
            runs = me.runs;
            seen++;
            printf("rrorder: %lu resumed\n", self);
        }
    }
}

}  // namespace

int main() {
    int64_t frame = sys_frame_alloc(0);
    if (frame < 0 || sys_map(0, kFlagPage, static_cast<uint64_t>(frame), PERM_W | PERM_SHARE) < 0) {
        panic("rrorder: no flag page");
    }
    int64_t children[kChildren];
    for (int64_t& child : children) {
        child = fork();
        if (child < 0) panic("fork: %s", result_name(child));
        if (child == 0) {
            spinner();
            return 0;
        }
    }
    printf("rrorder: go\n");
    go_flag() = 1;
    for (int64_t child : children) (void)wait(static_cast<uint64_t>(child));
    return 0;
}
