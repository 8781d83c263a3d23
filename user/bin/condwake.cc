// exolab: lab 4
// user/bin/condwake.cc: the lost wake-up (lib/thread.h, cond_wait).
//
// The first context holds a Mutex and waits on a Cond for a flag that a
// second thread sets and signals under the same Mutex.  Just before each
// cond_wait it sets its u-area's `pending`, as the kernel does when a
// slice ends with upcalls masked: the first moment upcalls are let in
// again inside cond_wait, the libOS gives the CPU away (yield(ANY)) and,
// back from the root scheduler, switches to the other thread, exactly as
// a timer tick at that instruction would.  A cond_wait that lets the
// Mutex go before it is among the Cond's waiters then misses the signal
// and waits for ever: the thread library panics ("deadlock").  Repeated
// kRounds times; prints "condwake: <n> wake-ups, none lost" at the end.
#include "lib/libos.h"
#include "lib/thread.h"
#include "lib/upcall.h"

namespace {

constexpr uint64_t kRounds = 100;

Mutex lock;
Cond changed;
volatile bool flag = false;

void signaller(void*) {
    mutex_lock(lock);
    flag = true;
    cond_signal(changed);
    mutex_unlock(lock);
}

}  // namespace

int main() {
    uint64_t woken = 0;
    for (uint64_t round = 0; round < kRounds; round++) {
        mutex_lock(lock);
        flag = false;
        int64_t id = thread_create(signaller, nullptr);
        if (id < 0) panic("thread_create: %s", result_name(id));
        while (!flag) {
            uarea()->pending = 1;
            cond_wait(changed, lock);
        }
        woken++;
        mutex_unlock(lock);
        (void)thread_join(static_cast<uint64_t>(id));
    }
    printf("condwake: %lu wake-ups, none lost\n", woken);
    return 0;
}
