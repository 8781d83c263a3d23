// exolab: lab 4
// user/bin/ipchostile.cc: ipc_send and ipc_recv with arguments the kernel
// must refuse.
//
// A child waits in ipc_recv, printing every message it gets, while init
// sends it bad pages: a kernel address, the u-area, a window, an unaligned
// and an unmapped address, a read-only and a copy-on-write page with
// PERM_W, unknown perm bits; it also sends to a domain that is not
// receiving, to itself and to ids with no domain, and receives at bad addresses.  Each prints its result, which
// must be the error syscalls.def documents, and the child must still be
// waiting afterwards (validate, then commit): the only message it gets is
// the last, good one.
#include "abi/domain.h"
#include "lib/fork.h"
#include "lib/ipc.h"
#include "lib/libos.h"
#include "lib/upcall.h"
#include "lib/windows.h"

namespace {

constexpr uint64_t kReceive = 0x20000000;  // where the child accepts pages
constexpr uint64_t kUnmapped = 0x30000000;
constexpr uint64_t kQuit = 42;

// A writable global: copy-on-write (read-only) in init after the fork.
uint64_t cow_page[PAGE_SIZE / 8] __attribute__((aligned(PAGE_SIZE))) = {1};


// Prints the result of one call.
void report(const char* what, int64_t r) { printf("ipchostile: %s: %s\n", what, result_name(r)); }

// ipc_recv as init, the root scheduler, with upcalls masked by hand, as
// they are in its handler: it must be refused, not block (nobody would be
// left to schedule).
int64_t receive_masked() {
    UArea* u = uarea();
    u->masked = 1;
    asm volatile("" ::: "memory");
    int64_t r = sys_ipc_recv(0, 0);
    asm volatile("" ::: "memory");
    u->masked = 0;
    if (u->pending) {
        u->pending = 0;
        (void)sys_yield(YIELD_ANY);  // a tick came while masked: give the time back
    }
    return r;
}

// The child: prints each message until kQuit.
[[noreturn]] void receiver() {
    for (;;) {
        IpcMessage m;
        if (int64_t r = ipc_recv(kReceive, m); r < 0) panic("ipc_recv: %s", result_name(r));
        printf("ipchostile: child got %lu from %lu, perm %lx\n", m.value, m.sender, m.perm);
        if (m.value == kQuit) exit();
    }
}

}  // namespace

int main() {
    uint64_t self = static_cast<uint64_t>(sys_self());
    cow_page[0] = 2;  // the page is mapped and writable before the fork
    int64_t child = fork();
    if (child < 0) panic("fork: %s", result_name(child));
    if (child == 0) receiver();
    uint64_t r = static_cast<uint64_t>(child);
    while (domain_table()[r].state != DomainState::Blocked) (void)sys_yield(r);

    report("send a kernel address", sys_ipc_send(r, 1, KERNEL_BASE, 0));
    report("send the u-area", sys_ipc_send(r, 1, UAREA, 0));
    report("send the domain table window", sys_ipc_send(r, 1, UDOMAINS, 0));
    report("send an unaligned address", sys_ipc_send(r, 1, USER_BASE + 8, 0));
    report("send an unmapped page", sys_ipc_send(r, 1, kUnmapped, 0));
    report("send program text with PERM_W", sys_ipc_send(r, 1, USER_BASE, PERM_W));
    report("send a copy-on-write page with PERM_W",
           sys_ipc_send(r, 1, reinterpret_cast<uint64_t>(cow_page), PERM_W));
    report("send with PERM_X", sys_ipc_send(r, 1, USER_BASE, PERM_X));
    int64_t stopped = sys_domain_create();
    if (stopped == 0) panic("the stopped child must never run");
    if (stopped < 0) panic("domain_create: %s", result_name(stopped));
    report("send to a child that is not receiving", sys_ipc_send(static_cast<uint64_t>(stopped), 1, 0, 0));
    (void)sys_domain_destroy(static_cast<uint64_t>(stopped));
    report("send to itself", sys_ipc_send(self, 1, 0, 0));
    report("send to id 63, no domain", sys_ipc_send(MAX_DOMAINS - 1, 1, 0, 0));
    report("send to id 2^40", sys_ipc_send(1ull << 40, 1, 0, 0));
    report("receive at the u-area", sys_ipc_recv(UAREA, 0));
    report("receive at a kernel address", sys_ipc_recv(KERNEL_BASE, 0));
    report("receive at an unaligned address", sys_ipc_recv(kReceive + 1, 0));
    report("receive, then run itself", sys_ipc_recv(0, self));
    report("receive, then run id 63, no domain", sys_ipc_recv(0, MAX_DOMAINS - 1));
    report("receive, then run id 2^40", sys_ipc_recv(0, 1ull << 40));
    report("receive as the root scheduler, upcalls masked", receive_masked());
    printf("ipchostile: child %s\n", domain_table()[r].state == DomainState::Blocked ? "still waiting" : "woken");

    report("send program text read-only", sys_ipc_send(r, kQuit, USER_BASE, 0));
    wait(r);
    report("send to the child after it exited", sys_ipc_send(r, 1, 0, 0));
    printf("ipchostile: done\n");
    return 0;
}
