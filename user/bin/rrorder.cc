// exolab: lab 4
// user/bin/rrorder.cc: the root scheduler's round-robin order.
//
// init forks kChildren spinners, then prints "rrorder: go": from there on
// all exist.  Each spinner watches its own `runs` in the domain table and
// prints "rrorder: <id> resumed" each time it notices it was given the CPU
// again, kRounds times, then exits.  Run with trace=1: the kernel's slice
// lines show the order in which the spinners ran, which must be a
// rotation in id order among those still alive.
#include "abi/domain.h"
#include "lib/fork.h"
#include "lib/libos.h"

namespace {

constexpr int kChildren = 4;
constexpr uint64_t kRounds = 6;

void spinner() {
    uint64_t self = static_cast<uint64_t>(sys_self());
    const volatile DomainInfo& me = reinterpret_cast<const volatile DomainInfo*>(UDOMAINS)[self];
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
    for (int64_t child : children) (void)wait(static_cast<uint64_t>(child));
    return 0;
}
