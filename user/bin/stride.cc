// exolab: lab 4
// user/bin/stride.cc: stride scheduling shares (scheduler.h).
//
// init chooses the stride policy, takes 1 ticket itself and forks three
// spinners with 1, 2 and 3 tickets.  It waits (yielding) until the
// spinners have together held the CPU for kTicks timer ticks more than
// when all had their tickets, reading the domain table's `ticks`, then
// prints each one's share of those ticks and destroys them.  The shares
// must be within 10% of 1/6, 2/6 and 3/6.
#include "abi/domain.h"
#include "lib/fork.h"
#include "lib/libos.h"
#include "lib/windows.h"
#include "lib/scheduler.h"

namespace {

constexpr int kChildren = 3;
constexpr uint64_t kTicks = 600;  // run with hz=500: about 1.2 s of spinning

const volatile DomainInfo& domain(uint64_t id) { return domain_table()[id]; }

}  // namespace

int main() {
    sched_set_policy(Policy::Stride);
    sched_set_tickets(static_cast<uint64_t>(sys_self()), 1);
    uint64_t ids[kChildren], start[kChildren];
    for (int i = 0; i < kChildren; i++) {
        int64_t child = fork();
        if (child < 0) panic("fork: %s", result_name(child));
        if (child == 0) {
            for (;;) asm volatile("");
        }
        ids[i] = static_cast<uint64_t>(child);
        sched_set_tickets(ids[i], static_cast<uint64_t>(i + 1));
    }
    uint64_t total = 0;
    for (int i = 0; i < kChildren; i++) start[i] = domain(ids[i]).ticks;
    while (total < kTicks) {
        (void)sys_yield(YIELD_ANY);
        total = 0;
        for (int i = 0; i < kChildren; i++) total += domain(ids[i]).ticks - start[i];
    }
    for (int i = 0; i < kChildren; i++) {
        uint64_t ticks = domain(ids[i]).ticks - start[i];
        printf("stride: %d tickets: %lu of %lu ticks (%lu per mille)\n", i + 1, ticks, total, ticks * 1000 / total);
    }
    for (uint64_t id : ids) (void)sys_domain_destroy(id);
    return 0;
}
