// exolab: lab 4
// user/bin/noentrymask.cc: `masked` means nothing for a domain with no
// upcall entry (DESIGN §3.3, the abort protocol).
//
// init sets masked in its u-area by hand and spins through 6 of its
// ticks, twice: first with its upcall entry, so the abort protocol holds
// (every other tick is borrowed, the next aborts the slice); then with
// the entry removed: there is no upcall to finish, so no tick may grant
// borrowed time or abort (aborted stays as it was), and every tick is an
// ordinary preemption.  It prints, for each, its ticks, preemptions and
// aborts as its table entry counts them.
#include "abi/domain.h"
#include "lib/libos.h"
#include "lib/upcall.h"
#include "lib/windows.h"

namespace {

// Spins masked through 6 ticks and prints what the table counted.
void spin_masked(const char* what, const volatile DomainInfo& me) {
    volatile UArea* u = uarea();
    uint64_t ticks = me.ticks, preempted = me.preempted, aborted = me.aborted;
    u->masked = 1;
    while (me.ticks < ticks + 6) {
    }
    u->masked = 0;
    u->pending = 0;
    printf("noentrymask: masked by hand %s: %lu ticks, %lu preemptions, %lu aborted\n", what, me.ticks - ticks,
           me.preempted - preempted, me.aborted - aborted);
}

}  // namespace

int main() {
    const volatile DomainInfo& me = domain_table()[sys_self()];
    spin_masked("with an upcall entry", me);
    if (int64_t r = sys_domain_set_upcall(0, 0, 0); r < 0) panic("domain_set_upcall: %s", result_name(r));
    spin_masked("with no upcall entry", me);
    return 0;
}
