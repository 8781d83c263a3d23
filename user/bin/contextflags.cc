// exolab: lab 4
// user/bin/contextflags.cc: domain_set_context clears IOPL and TF and
// sets IF (DESIGN §3.2).
//
// Two forked children stop themselves; the parent removes each one's
// upcall entry (so the kernel resumes its context directly, by IRETQ,
// rather than through upcall_return, whose popfq could not raise IOPL
// anyway), sets its context to a probe with a hostile rflags and lets it
// run:
//   IOPL=3   cli_probe runs cli first: with IOPL cleared that is a #GP and
//            the child is killed; had IOPL=3 reached the CPU, cli would run
//            and the child would print "cli ran"
//   TF       tf_probe prints and exits: with TF cleared it runs without a
//            debug exception; had TF reached the CPU, a #DB would kill it
//            after its first instruction
//   IF clear if_probe spins for ever: with IF set the timer still
//            preempts it, and the parent, back on the CPU, destroys it and
//            prints "IF-clear child preempted"; had IF stayed clear, no
//            tick would ever end its slice and the machine would hang
// The probes use no stack and write no memory (the child's pages are
// copy-on-write and it has no upcall entry to repair them).
#include "abi/domain.h"
#include "lib/fork.h"
#include "lib/libos.h"
#include "lib/windows.h"

extern "C" void cli_probe();
extern "C" void tf_probe();
extern "C" void if_probe();

// Each probe: cputs its message (syscall 0), then domain_destroy(0)
// (syscall 8); cli_probe runs cli first.
asm("    .section .rodata\n"
    "cli_message:\n"
    "    .ascii \"contextflags: cli ran: IOPL=3 reached the CPU\\n\"\n"
    "    .set cli_length, . - cli_message\n"
    "tf_message:\n"
    "    .ascii \"contextflags: tf_probe ran without a debug exception\\n\"\n"
    "    .set tf_length, . - tf_message\n"
    "    .text\n"
    "    .globl cli_probe\n"
    "    .type cli_probe, @function\n"
    "cli_probe:\n"
    "    cli\n"
    "    lea cli_message(%rip), %rdi\n"
    "    mov $cli_length, %esi\n"
    "    jmp print_and_exit\n"
    "    .size cli_probe, . - cli_probe\n"
    "    .globl tf_probe\n"
    "    .type tf_probe, @function\n"
    "tf_probe:\n"
    "    nop\n"
    "    lea tf_message(%rip), %rdi\n"
    "    mov $tf_length, %esi\n"
    "    jmp print_and_exit\n"
    "    .size tf_probe, . - tf_probe\n"
    "    .globl if_probe\n"
    "    .type if_probe, @function\n"
    "if_probe:\n"
    "    jmp if_probe\n"
    "    .size if_probe, . - if_probe\n"
    "print_and_exit:\n"
    "    xor %eax, %eax\n"
    "    syscall\n"
    "    mov $8, %eax\n"
    "    xor %edi, %edi\n"
    "    syscall\n"
    "    ud2\n");

namespace {

constexpr uint64_t kIopl3 = 0x3000;
constexpr uint64_t kTrapFlag = 0x100;
constexpr uint64_t kReservedFlag = 0x2;


// Forks a child that stops itself, then starts it at `probe` with rflags
// `flags` and no upcall entry.  Waits for it to end or, if it `spins`,
// until the timer has preempted it once, and then destroys it.
void run_probe(const char* what, void (*probe)(), uint64_t flags, bool spins = false) {
    int64_t child = fork();
    if (child < 0) panic("fork: %s", result_name(child));
    if (child == 0) {
        (void)sys_domain_set_runnable(0, 0);
        printf("contextflags: the child resumed where it stopped\n");
        exit();
    }
    uint64_t dom = static_cast<uint64_t>(child);
    while (domain_table()[dom].state != DomainState::Stopped) (void)sys_yield(YIELD_ANY);
    UserContext c = {};
    c.rip = reinterpret_cast<uint64_t>(probe);
    c.rsp = USTACK_TOP - 64;
    c.rflags = flags | kReservedFlag;
    int64_t r = sys_domain_set_upcall(dom, 0, 0);
    if (r >= 0) r = sys_domain_set_context(dom, &c);
    printf("contextflags: child %lu with %s: %s\n", dom, what, result_name(r));
    if (r >= 0) r = sys_domain_set_runnable(dom, 1);
    if (r < 0) panic("cannot start child %lu: %s", dom, result_name(r));
    if (spins) {
        while (domain_table()[dom].preempted == 0) (void)sys_yield(YIELD_ANY);
        r = sys_domain_destroy(dom);
        printf("contextflags: IF-clear child preempted, destroyed: %s\n", result_name(r));
    }
    (void)wait(dom);
}

}  // namespace

int main() {
    run_probe("IOPL=3", cli_probe, kIopl3);
    run_probe("TF", tf_probe, kTrapFlag);
    run_probe("IF clear", if_probe, 0, true);
    return 0;
}
