// exolab: lab 5
// user/bin/iogrant.cc: io_grant and the TSS I/O bitmap (DESIGN §3.5).
//
// Run as init, which may grant any port but holds none.  Port reads are
// probed with a #GP handler that skips the one-byte `in al, dx`, so every
// refusal is counted instead of killing the program.  Checks, in order:
// nothing is open before a grant; hostile arguments are refused; a grant
// opens exactly its range; a child made before the grant still faults
// after its parent ran with the ports open (the bitmap follows the running
// domain), and a grant to it opens nothing for its parent; a child made after inherits the ports, may pass on only what it
// holds (two grants that touch are one span), and only to itself or its
// descendants; and a domain's ranges are limited (a refusal opens nothing)
// and merge.
#include "abi/domain.h"
#include "lib/fork.h"
#include "lib/ipc.h"
#include "lib/libos.h"
#include "lib/upcall.h"

namespace {

UPCALL_DATA volatile uint64_t gp_faults = 0;

void skip_port_read(UArea& u) {
    gp_faults = gp_faults + 1;
    u.context.rip += 1;  // `in al, dx` is one byte (0xEC)
}

// True if this domain may read `port` now.
bool can_read(uint16_t port) {
    uint64_t before = gp_faults;
    uint8_t value;
    asm volatile("inb %%dx, %%al" : "=a"(value) : "d"(port) : "memory");
    (void)value;
    return gp_faults == before;
}

void show(const char* what, int64_t result) { printf("iogrant: %s: %s\n", what, result_name(result)); }

// The child made before any grant: waits for its parent's word, sent after
// the parent has run with ports open, then probes them.
void ungranted_child() {
    IpcMessage msg;
    (void)ipc_recv(0, msg);
    printf("iogrant: child without grant reads 0x1f7: %s\n", can_read(0x1F7) ? "yes" : "no");
    exit();
}

// The child made after the parent's grant.
void granted_child(uint64_t parent) {
    printf("iogrant: child reads 0x1f7: %s\n", can_read(0x1F7) ? "yes" : "no");
    show("child grants 0x3f6 it does not hold", sys_io_grant(0, 0x3F6, 1));
    show("child grants 0x1f2+2 to itself", sys_io_grant(0, 0x1F2, 2));
    show("child grants 0x1f0+8 to its parent", sys_io_grant(parent, 0x1F0, 8));
    show("child grants 0x1ef+2, half its own", sys_io_grant(0, 0x1EF, 2));
    show("child grants 0x1f6+3, across its parent's two grants", sys_io_grant(0, 0x1F6, 3));
    exit();
}

}  // namespace

int main() {
    set_fault_handler(13, skip_port_read);
    uint64_t self = uint64_t(sys_self());
    int64_t early = fork();
    if (early == 0) ungranted_child();

    printf("iogrant: before any grant reads 0x1f7: %s\n", can_read(0x1F7) ? "yes" : "no");
    show("count 0", sys_io_grant(0, 0x1F0, 0));
    show("0xffff+2", sys_io_grant(0, 0xFFFF, 2));
    show("port 65536", sys_io_grant(0, 65536, 1));
    show("count wraps", sys_io_grant(0, 0x1F0, ~uint64_t{0} - 0x1EF));
    show("no such domain", sys_io_grant(MAX_DOMAINS - 1, 0x1F0, 8));
    show("domain id + 2^32", sys_io_grant(self + (uint64_t{1} << 32), 0x1F0, 8));
    show("0x1f0+8", sys_io_grant(0, 0x1F0, 8));
    printf("iogrant: reads 0x1ef %s, 0x1f0 %s, 0x1f7 %s, 0x1f8 %s\n", can_read(0x1EF) ? "yes" : "no",
           can_read(0x1F0) ? "yes" : "no", can_read(0x1F7) ? "yes" : "no", can_read(0x1F8) ? "yes" : "no");
    // A grant to another domain opens nothing for the one that runs.
    show("0x170+8 to the child", sys_io_grant(uint64_t(early), 0x170, 8));
    printf("iogrant: after it reads 0x177: %s\n", can_read(0x177) ? "yes" : "no");

    while (ipc_send(uint64_t(early), 1, 0, 0) < 0) sys_yield(uint64_t(early));
    (void)wait(uint64_t(early));

    // Touches 0x1f0+8: held with it as one span, which the child may pass on.
    show("0x1f8", sys_io_grant(0, 0x1F8, 1));
    int64_t late = fork();
    if (late == 0) granted_child(self);
    (void)wait(uint64_t(late));

    // Seven more separate single ports fill the eight ranges; a ninth does
    // not fit until one that bridges two of them merges them.
    for (uint16_t port = 0x300; port < 0x30E; port += 2) (void)sys_io_grant(0, port, 1);
    show("a ninth range", sys_io_grant(0, 0x310, 1));
    printf("iogrant: after the refusal reads 0x310 %s, 0x30c %s\n", can_read(0x310) ? "yes" : "no",
           can_read(0x30C) ? "yes" : "no");
    show("0x301 joins 0x300 and 0x302", sys_io_grant(0, 0x301, 1));
    show("a ninth range after the merge", sys_io_grant(0, 0x310, 1));
    printf("iogrant: reads 0x300 %s, 0x301 %s, 0x303 %s, 0x310 %s, 0x1f7 %s\n", can_read(0x300) ? "yes" : "no",
           can_read(0x301) ? "yes" : "no", can_read(0x303) ? "yes" : "no", can_read(0x310) ? "yes" : "no",
           can_read(0x1F7) ? "yes" : "no");
    printf("iogrant: done\n");
    return 0;
}
