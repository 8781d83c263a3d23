// exolab: lab 4
// user/bin/noentrymask.cc: `masked` means nothing for a domain with no
// upcall entry (DESIGN §3.3, the abort protocol).
//
// init removes its own upcall entry, sets masked in its u-area by hand and
// spins through 6 of its ticks, then reads its table entry: with no entry
// there is no upcall to finish, so no tick may grant it borrowed time or
// abort it (aborted stays 0, and the kernel prints no "upcalls still
// masked" line); every tick is an ordinary preemption.
#include "abi/domain.h"
#include "lib/libos.h"
#include "lib/upcall.h"
#include "lib/windows.h"

int main() {
    uint64_t self = static_cast<uint64_t>(sys_self());
    if (int64_t r = sys_domain_set_upcall(0, 0, 0); r < 0) panic("domain_set_upcall: %s", result_name(r));
    const volatile DomainInfo& me = domain_table()[self];
    volatile UArea* u = uarea();
    u->masked = 1;
    uint64_t ticks = me.ticks, preempted = me.preempted;
    while (me.ticks < ticks + 6) {
    }
    ticks = me.ticks - ticks, preempted = me.preempted - preempted;
    u->masked = 0;
    printf("noentrymask: masked by hand with no upcall entry: %lu ticks, %lu preemptions, aborted %lu times\n", ticks,
           preempted, me.aborted);
    return 0;
}
