// exolab: lab 4
// user/bin/allblocked.cc: nothing can run (scheduler.h: the root
// scheduler must not spin then).
//
// init forks a child that waits in ipc_recv, says so and waits in
// ipc_recv itself: no message will ever come, nobody can run, and the
// machine must idle (hlt) until the next interrupt, tick after tick; the
// root scheduler, entered at each tick, must give the CPU to nobody
// (yield(YIELD_SELF)) rather than spin with upcalls masked.  The test
// watches the kernel's slice trace (trace=1) and stops the machine.
#include "abi/domain.h"
#include "lib/fork.h"
#include "lib/ipc.h"
#include "lib/libos.h"
#include "lib/windows.h"

int main() {
    int64_t child = fork();
    if (child < 0) panic("fork: %s", result_name(child));
    IpcMessage m;
    if (child == 0) {
        (void)ipc_recv(0, m);
        panic("a message came from nowhere");
    }
    while (domain_table()[child].state != DomainState::Blocked) (void)sys_yield(YIELD_ANY);
    printf("allblocked: both domains wait in ipc_recv\n");
    (void)ipc_recv(0, m);
    panic("a message came from nowhere");
}
