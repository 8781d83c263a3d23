// exolab: lab 4
// user/bin/borrowed.cc: the libOS gives back the time it borrowed while
// masked (upcall.h: upcall_finish; thread.h's masked sections).
//
// A tick that arrives while a domain is masked does not end its slice: the
// kernel sets `pending` and lets it finish (the abort protocol).  That
// time is borrowed; at the end of the masked section the libOS must give
// up the CPU (yield to the root scheduler), so some other domain runs
// before this one goes on: its `runs` count in the domain table grows.
// A child of init checks two masked sections:
//   an upcall   its breakpoint handler spins until a tick has come (masked
//               by the kernel), notes its runs and returns; main, resumed
//               by upcall_finish, must see runs grown
//   the thread library  mutex_lock and mutex_unlock, 100,000 times at
//               hz=20000: whenever a tick arrived across one (ticks grown)
//               and runs did not grow, the domain kept the CPU past a tick:
//               a tick that was held back in mask()..unmask() and never
//               given back
// Run with hz=20000 (the test does).
#include "abi/domain.h"
#include "lib/fork.h"
#include "lib/libos.h"
#include "lib/thread.h"
#include "lib/upcall.h"
#include "lib/windows.h"

namespace {

constexpr uint64_t kRounds = 100000;

const volatile DomainInfo* me = nullptr;
uint64_t runs_in_handler = 0;

// The breakpoint handler: masked until it returns, it outlasts a tick.
void outlast_a_tick(UArea&) {
    uint64_t ticks = me->ticks;
    while (me->ticks == ticks) {
    }
    runs_in_handler = me->runs;
}

// The upcall's masked section.
void check_upcall() {
    set_fault_handler(3, outlast_a_tick);
    asm volatile("int3" ::: "memory");
    printf("borrowed: upcall_finish gave the CPU away after a tick while masked: %s\n",
           me->runs > runs_in_handler ? "yes" : "no");
}

// The thread library's masked sections.
void check_mutex() {
    Mutex m = {};
    uint64_t ticked = 0, kept = 0;
    for (uint64_t i = 0; i < kRounds; i++) {
        uint64_t runs = me->runs;  // before ticks: a tick between the two reads must not look kept
        asm volatile("" ::: "memory");
        uint64_t ticks = me->ticks;
        mutex_lock(m);
        mutex_unlock(m);
        if (me->ticks != ticks) {
            ticked++;
            if (me->runs == runs) kept++;
        }
    }
    printf("borrowed: %lu rounds of mutex_lock and mutex_unlock, %lu across a tick, the CPU kept past %lu ticks\n",
           kRounds, ticked, kept);
}

}  // namespace

int main() {
    int64_t child = fork();
    if (child < 0) panic("fork: %s", result_name(child));
    if (child == 0) {
        me = &domain_table()[sys_self()];
        check_upcall();
        check_mutex();
        return 0;
    }
    wait(static_cast<uint64_t>(child));
    return 0;
}
