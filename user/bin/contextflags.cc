// exolab: lab 4
// user/bin/contextflags.cc: domain_set_context clears IOPL and TF and
// sets IF, and keeps no other system flag (DESIGN §3.2).
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
//   AC NT RF VM  flags_probe pushes rflags and prints whether AC or NT
//            reached the CPU (PUSHFQ shows both; it clears RF and VM in
//            the image, and IRETQ to 64-bit mode never loads VM, so those
//            two are cleared but unseen here)
// The probes write no memory but flags_probe's stack, a fresh page the
// parent maps into the child (the child's own pages are copy-on-write and
// it has no upcall entry to repair them).
#include "abi/domain.h"
#include "lib/fork.h"
#include "lib/libos.h"
#include "lib/windows.h"

extern "C" void cli_probe();
extern "C" void tf_probe();
extern "C" void if_probe();
extern "C" void flags_probe();

// Each probe: cputs its message (syscall 0), then domain_destroy(0)
// (syscall 8); cli_probe runs cli first.
asm("    .section .rodata\n"
    "cli_message:\n"
    "    .ascii \"contextflags: cli ran: IOPL=3 reached the CPU\\n\"\n"
    "    .set cli_length, . - cli_message\n"
    "tf_message:\n"
    "    .ascii \"contextflags: tf_probe ran without a debug exception\\n\"\n"
    "    .set tf_length, . - tf_message\n"
    "flags_clear_message:\n"
    "    .ascii \"contextflags: flags_probe: AC and NT clear\\n\"\n"
    "    .set flags_clear_length, . - flags_clear_message\n"
    "flags_kept_message:\n"
    "    .ascii \"contextflags: flags_probe: AC or NT reached the CPU\\n\"\n"
    "    .set flags_kept_length, . - flags_kept_message\n"
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
    "    .globl flags_probe\n"
    "    .type flags_probe, @function\n"
    "flags_probe:\n"
    "    pushfq\n"
    "    pop %rax\n"
    "    test $0x44000, %eax\n"
    "    jnz 1f\n"
    "    lea flags_clear_message(%rip), %rdi\n"
    "    mov $flags_clear_length, %esi\n"
    "    jmp print_and_exit\n"
    "1:  lea flags_kept_message(%rip), %rdi\n"
    "    mov $flags_kept_length, %esi\n"
    "    jmp print_and_exit\n"
    "    .size flags_probe, . - flags_probe\n"
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
// Resume (RF), virtual-8086 mode (VM), alignment check (AC), nested task
// (NT): none is a ring-3 program's to set by IRETQ.
constexpr uint64_t kSystemFlags = (1ull << 16) | (1ull << 17) | (1ull << 18) | (1ull << 14);
// Where the parent maps flags_probe's stack page into the child.
constexpr uint64_t kProbeStackTop = 0x60000000;


// Forks a child that stops itself, then starts it at `probe` with rflags
// `flags` and no upcall entry.  Waits for it to end or, if it `spins`,
// until the timer has preempted it once, and then destroys it.  With
// `fresh_stack` the child's rsp is at the top of a fresh writable page.
void run_probe(const char* what, void (*probe)(), uint64_t flags, bool spins = false, bool fresh_stack = false) {
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
    c.rsp = fresh_stack ? kProbeStackTop : USTACK_TOP - 64;
    c.rflags = flags | kReservedFlag;
    int64_t r = sys_domain_set_upcall(dom, 0, 0);
    if (r >= 0 && fresh_stack) r = sys_frame_alloc(0);
    if (r >= 0 && fresh_stack) r = sys_map(dom, kProbeStackTop - PAGE_SIZE, static_cast<uint64_t>(r), PERM_W);
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
    run_probe("AC NT RF VM", flags_probe, kSystemFlags, false, true);
    return 0;
}
