// exolab: lab 4
// user/bin/maskspin.cc: the abort protocol (DESIGN §3.3).
//
// init forks two children.  The first sets its u-area's `masked` by hand
// and spins: the kernel grants it one more slice each time its slice ends
// (and sets `pending`), then preempts it by force, so it holds the CPU for
// two ticks per abort; it spins until the domain table shows
// kAborts such aborts, then unmasks (giving back a granted slice) and
// exits.  The second spins until the first has been aborted kAborts / 2
// times (so it ran while the first was still masked) and exits.  The
// kernel's "preempted: upcalls still masked" line must appear once.
#include "abi/domain.h"
#include "lib/fork.h"
#include "lib/libos.h"
#include "lib/windows.h"
#include "lib/upcall.h"

namespace {

constexpr uint64_t kAborts = 10;

const volatile DomainInfo& domain(uint64_t id) { return domain_table()[id]; }

// The masked spinner.
void spin_masked() {
    uint64_t self = static_cast<uint64_t>(sys_self());
    uarea()->masked = 1;
    while (domain(self).aborted < kAborts) asm volatile("pause");
    uint64_t aborted = domain(self).aborted, preempted = domain(self).preempted, ticks = domain(self).ticks;
    bool told = uarea()->pending != 0;  // the kernel says the time is borrowed
    uarea()->masked = 0;
    if (uarea()->pending) {
        uarea()->pending = 0;
        (void)sys_yield(YIELD_ANY);
    }
    printf("maskspin: masked %lu: aborted %lu times, preempted %lu, over %lu ticks, pending %s\n", self, aborted,
           preempted, ticks, told ? "set" : "clear");
}

// The sibling, which must keep running meanwhile.
void spin_sibling(uint64_t masked) {
    while (domain(masked).aborted < kAborts / 2) asm volatile("pause");
    printf("maskspin: sibling %ld ran while %lu was aborted %lu times\n", sys_self(), masked, domain(masked).aborted);
}

}  // namespace

int main() {
    int64_t masked = fork();
    if (masked < 0) panic("fork: %s", result_name(masked));
    if (masked == 0) {
        spin_masked();
        return 0;
    }
    int64_t sibling = fork();
    if (sibling < 0) panic("fork: %s", result_name(sibling));
    if (sibling == 0) {
        spin_sibling(static_cast<uint64_t>(masked));
        return 0;
    }
    (void)wait(static_cast<uint64_t>(masked));
    (void)wait(static_cast<uint64_t>(sibling));
    return 0;
}
