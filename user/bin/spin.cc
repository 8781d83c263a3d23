// exolab: lab 4
// user/bin/spin.cc: preemption.  The parent forks a child that spins
// forever and never yields, then spins itself (no yield either) until the
// domain table shows the child has held the CPU for kTicks ticks: both
// only ever get the CPU back through the timer.  Then it destroys the
// child and exits.
#include "abi/domain.h"
#include "lib/fork.h"
#include "lib/libos.h"
#include "lib/windows.h"

namespace {

constexpr uint64_t kTicks = 5;

}  // namespace

int main() {
    int64_t child = fork();
    if (child < 0) panic("fork: %s", result_name(child));
    if (child == 0) {
        for (;;) asm volatile("");
    }
    printf("spin: forked %ld, which spins\n", child);
    const volatile DomainInfo& c = domain_table()[child];
    while (c.ticks < kTicks) asm volatile("pause");
    printf("spin: the child held the CPU for %lu ticks, and I got it back\n", c.ticks);
    int64_t r = sys_domain_destroy(static_cast<uint64_t>(child));
    printf("spin: destroyed the child: %s\n", result_name(r));
    return 0;
}
