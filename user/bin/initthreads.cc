// exolab: lab 4
// user/bin/initthreads.cc: init's user threads share the CPU although init
// is the root scheduler (upcall.h, thread.h).
//
// init gets its timer ticks as Timer upcalls to its root scheduler, never
// as Resume upcalls, so its threads are switched only if the libOS, once
// the root scheduler has chosen init itself, gives them their say as a
// Resume would.  Its main thread starts a second thread and spins, without
// yielding, until that thread has run or until 20 of init's ticks have
// passed (read from the exported domain table), and prints which.
#include "abi/domain.h"
#include "lib/libos.h"
#include "lib/thread.h"
#include "lib/windows.h"

namespace {

volatile bool other_ran = false;

void other(void*) { other_ran = true; }

}  // namespace

int main() {
    uint64_t self = static_cast<uint64_t>(sys_self());
    int64_t id = thread_create(other, nullptr);
    if (id < 0) panic("thread_create: %s", result_name(id));
    uint64_t start = domain_table()[self].ticks;
    while (!other_ran && domain_table()[self].ticks < start + 20) {
    }
    printf("initthreads: the other thread ran while main spun: %s\n", other_ran ? "yes" : "no");
    if (int64_t r = thread_join(static_cast<uint64_t>(id)); r < 0) panic("thread_join: %s", result_name(r));
    return 0;
}
