// exolab: lab 4
// user/bin/yieldhostile.cc: yield to domains it may not give the CPU to.
//
// Checks yield's authority and state checks (syscalls.def): a stopped child
// and a child blocked in ipc_recv are not runnable (InvalidArgument); a
// sibling and a sibling's child are neither ancestors nor descendants
// (AccessDenied, whatever their state); ids with no domain are NoSuchDomain.
// Each attempt prints its result; a yield to the parent is the control.
// domain_set_runnable is checked alongside: only 0 and 1 are states
// (InvalidArgument), and a child Blocked in ipc_recv may be neither woken
// nor stopped by hand (InvalidArgument: it would return from ipc_recv with
// no message).  So is ipc_recv's `then`, checked as yield checks its
// target: B may not receive and have its sibling A or A1 run meanwhile
// (AccessDenied); should B block anyway, init sends it a message, so that
// the wrong result is printed rather than B waiting for ever.
//
//   init (1) --fork--> A --domain_create--> A1 (stopped)
//            --fork--> B: yields to A, A1, init; receives then A, A1
#include "abi/domain.h"
#include "lib/fork.h"
#include "lib/ipc.h"
#include "lib/libos.h"
#include "lib/windows.h"

namespace {


// Prints the result of one yield.
void report(const char* what, int64_t r) { printf("yieldhostile: %s: %s\n", what, result_name(r)); }

// Child A: makes a stopped child, tells init its id, waits to be told to
// finish, then destroys it.
[[noreturn]] void child_a(uint64_t parent) {
    int64_t a1 = sys_domain_create();
    if (a1 == 0) panic("A1 must never run");
    if (a1 < 0) panic("domain_create: %s", result_name(a1));
    if (int64_t r = ipc_send(parent, static_cast<uint64_t>(a1), 0, 0); r < 0) panic("ipc_send: %s", result_name(r));
    IpcMessage m;
    if (int64_t r = ipc_recv(0, m); r < 0) panic("ipc_recv: %s", result_name(r));
    if (int64_t r = sys_domain_destroy(static_cast<uint64_t>(a1)); r < 0) panic("destroy: %s", result_name(r));
    exit();
}

// Child B: yields where it has no authority, and to its parent.
[[noreturn]] void child_b(uint64_t parent, uint64_t a, uint64_t a1) {
    report("B yields to its sibling A", sys_yield(a));
    report("B yields to its sibling's child A1", sys_yield(a1));
    report("B yields to its parent", sys_yield(parent));
    report("B receives, then its sibling A runs", sys_ipc_recv(0, a));
    report("B receives, then its sibling's child A1 runs", sys_ipc_recv(0, a1));
    exit();
}

// Forks a child that runs `body`; returns its id.
template <typename F>
uint64_t spawn(F body) {
    int64_t child = fork();
    if (child < 0) panic("fork: %s", result_name(child));
    if (child == 0) body();
    return static_cast<uint64_t>(child);
}

}  // namespace

int main() {
    uint64_t self = static_cast<uint64_t>(sys_self());
    int64_t stopped = sys_domain_create();
    if (stopped == 0) panic("the stopped child must never run");
    if (stopped < 0) panic("domain_create: %s", result_name(stopped));
    report("yield to a stopped child", sys_yield(static_cast<uint64_t>(stopped)));
    report("yield to id 63, no domain", sys_yield(MAX_DOMAINS - 1));
    report("yield to id 64, past the table", sys_yield(MAX_DOMAINS));
    report("yield to id 2^40", sys_yield(1ull << 40));
    report("set_runnable 2 on a stopped child", sys_domain_set_runnable(static_cast<uint64_t>(stopped), 2));
    report("set_runnable 2^32 + 1 on a stopped child",
           sys_domain_set_runnable(static_cast<uint64_t>(stopped), (1ull << 32) + 1));
    (void)sys_domain_destroy(static_cast<uint64_t>(stopped));

    uint64_t a = spawn([self] { child_a(self); });
    IpcMessage m;
    if (int64_t r = ipc_recv(0, m); r < 0) panic("ipc_recv: %s", result_name(r));
    uint64_t a1 = m.value;
    while (domain_table()[a].state != DomainState::Blocked) (void)sys_yield(a);
    report("yield to a child blocked in ipc_recv", sys_yield(a));
    report("set_runnable 0 on a child blocked in ipc_recv", sys_domain_set_runnable(a, 0));
    report("set_runnable 1 on a child blocked in ipc_recv", sys_domain_set_runnable(a, 1));
    uint64_t b = spawn([self, a, a1] { child_b(self, a, a1); });
    while (domain_table()[b].state != DomainState::Free) {
        if (domain_table()[b].state == DomainState::Blocked) (void)sys_ipc_send(b, 0, 0, 0);
        (void)sys_yield(YIELD_ANY);
    }
    if (int64_t r = ipc_send(a, 0, 0, 0); r < 0) panic("ipc_send: %s", result_name(r));
    wait(a);
    printf("yieldhostile: done\n");
    return 0;
}
