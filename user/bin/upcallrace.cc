// exolab: lab 4
// user/bin/upcallrace.cc: the upcall-return critical section under a fast
// timer (DESIGN §3.3).  Run with hz=20000 or so.
//
// init forks kChildren children; all three domains run regs_check, an
// assembly loop that keeps a known value in every general register but
// rsp (the pattern plus the round number) and checks all of them, and rsp,
// every round, and yields after a pseudo-random number of rounds, until it
// has lost the CPU kSwitches times.  Each switch goes through an upcall and upcall_return
// (init's through its root scheduler, the children's through a Resume
// upcall), so a register lost or corrupted there, or in the kernel's save
// and restore, is caught.  Each domain prints its result.  The children
// install a resume handler that does nothing: without one the libOS asks
// for direct resumption (resume_direct) and a Resume would bypass
// upcall_return altogether.
#include "abi/domain.h"
#include "lib/fork.h"
#include "lib/libos.h"
#include "lib/upcall.h"
#include "lib/windows.h"

namespace {

constexpr int kChildren = 2;
constexpr uint64_t kSwitches = 1500;     // per domain: preemptions and yields
constexpr uint64_t kMaxRoundsPerCall = 600;

}  // namespace

// The values regs_check starts its registers from, in the order rax, rbx,
// rcx, rdx, rsi, rdi, rbp, r8 .. r15; and where it keeps rsp's.
extern "C" {
extern __attribute__((used)) const uint64_t regs_pattern[15] = {
    0x8101010101010101, 0x8202020202020202, 0x8303030303030303, 0x8404040404040404, 0x8505050505050505,
    0x8606060606060606, 0x8707070707070707, 0x8808080808080808, 0x8909090909090909, 0x8A0A0A0A0A0A0A0A,
    0x8B0B0B0B0B0B0B0B, 0x8C0C0C0C0C0C0C0C, 0x8D0D0D0D0D0D0D0D, 0x8E0E0E0E0E0E0E0E, 0x8F0F0F0F0F0F0F0F};
__attribute__((used)) uint64_t regs_rsp;

// Runs `rounds` rounds; returns 0 if every register held its value
// throughout, else 1 + the index of the first one found wrong in
// regs_pattern's order (16: rsp; 17: the 128-byte red zone below rsp,
// which the loop fills with a marker and checks every round: the System V
// ABI lets code keep live data there, so upcall_return must not write it).
uint64_t regs_check(uint64_t rounds);
}

// Each round: check every register against pattern + round (the round
// number is in memory at (%rsp), so no register is needed for it), then
// add 1 to each and to the round.
asm("    .macro regs_check_one reg, idx\n"
    "    sub (%rsp), %\\reg\n"
    "    cmp regs_pattern+8*\\idx(%rip), %\\reg\n"
    "    je .Lregs_ok\\@\n"
    "    mov $(\\idx + 1), %eax\n"
    "    jmp .Lregs_out\n"
    ".Lregs_ok\\@:\n"
    "    add (%rsp), %\\reg\n"
    "    .endm\n"
    "\n"
    "    .text\n"
    "    .globl regs_check\n"
    "    .type regs_check, @function\n"
    "regs_check:\n"
    "    push %rbx\n"
    "    push %rbp\n"
    "    push %r12\n"
    "    push %r13\n"
    "    push %r14\n"
    "    push %r15\n"
    "    push %rdi                       # 8(%rsp): rounds left\n"
    "    push $0                         # (%rsp): the round number\n"
    "    mov %rsp, regs_rsp(%rip)\n"
    "    .irp off, 8, 16, 24, 32, 40, 48, 56, 64, 72, 80, 88, 96, 104, 112, 120, 128\n"
    "    movq $0x5A5A5A5A, -\\off(%rsp)      # the red zone: live data, as a leaf function may keep there\n"
    "    .endr\n"
    "    mov regs_pattern+0(%rip), %rax\n"
    "    mov regs_pattern+8(%rip), %rbx\n"
    "    mov regs_pattern+16(%rip), %rcx\n"
    "    mov regs_pattern+24(%rip), %rdx\n"
    "    mov regs_pattern+32(%rip), %rsi\n"
    "    mov regs_pattern+40(%rip), %rdi\n"
    "    mov regs_pattern+48(%rip), %rbp\n"
    "    mov regs_pattern+56(%rip), %r8\n"
    "    mov regs_pattern+64(%rip), %r9\n"
    "    mov regs_pattern+72(%rip), %r10\n"
    "    mov regs_pattern+80(%rip), %r11\n"
    "    mov regs_pattern+88(%rip), %r12\n"
    "    mov regs_pattern+96(%rip), %r13\n"
    "    mov regs_pattern+104(%rip), %r14\n"
    "    mov regs_pattern+112(%rip), %r15\n"
    "1:\n"
    "    cmp regs_rsp(%rip), %rsp\n"
    "    je 2f\n"
    "    mov $16, %eax\n"
    "    jmp .Lregs_out\n"
    "2:\n"
    "    .irp off, 8, 16, 24, 32, 40, 48, 56, 64, 72, 80, 88, 96, 104, 112, 120, 128\n"
    "    cmpq $0x5A5A5A5A, -\\off(%rsp)\n"
    "    jne .Lregs_red_zone\n"
    "    .endr\n"
    "    regs_check_one rax, 0\n"
    "    regs_check_one rbx, 1\n"
    "    regs_check_one rcx, 2\n"
    "    regs_check_one rdx, 3\n"
    "    regs_check_one rsi, 4\n"
    "    regs_check_one rdi, 5\n"
    "    regs_check_one rbp, 6\n"
    "    regs_check_one r8, 7\n"
    "    regs_check_one r9, 8\n"
    "    regs_check_one r10, 9\n"
    "    regs_check_one r11, 10\n"
    "    regs_check_one r12, 11\n"
    "    regs_check_one r13, 12\n"
    "    regs_check_one r14, 13\n"
    "    regs_check_one r15, 14\n"
    "    add $1, %rax\n"
    "    add $1, %rbx\n"
    "    add $1, %rcx\n"
    "    add $1, %rdx\n"
    "    add $1, %rsi\n"
    "    add $1, %rdi\n"
    "    add $1, %rbp\n"
    "    add $1, %r8\n"
    "    add $1, %r9\n"
    "    add $1, %r10\n"
    "    add $1, %r11\n"
    "    add $1, %r12\n"
    "    add $1, %r13\n"
    "    add $1, %r14\n"
    "    add $1, %r15\n"
    "    incq (%rsp)\n"
    "    decq 8(%rsp)\n"
    "    jnz 1b\n"
    "    xor %eax, %eax\n"
    "    jmp .Lregs_out\n"
    ".Lregs_red_zone:\n"
    "    mov $17, %eax\n"
    ".Lregs_out:\n"
    "    add $16, %rsp\n"
    "    pop %r15\n"
    "    pop %r14\n"
    "    pop %r13\n"
    "    pop %r12\n"
    "    pop %rbp\n"
    "    pop %rbx\n"
    "    ret\n"
    "    .size regs_check, . - regs_check\n");

namespace {

const char* const kRegisterNames[] = {"none", "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "r8",
                                      "r9",   "r10", "r11", "r12", "r13", "r14", "r15", "rsp", "red zone"};

// Runs regs_check for a pseudo-random number of rounds, then yields, until
// this domain has lost the CPU kSwitches times (to the clock or by
// yielding), then prints the outcome.  The yields start the next domain's
// slice, and so its upcall_return, at every distance from the next tick:
// with preemptions alone a slice starts just after a tick, and a tick
// would never land inside upcall_return.
void hammer() {
    uint64_t self = static_cast<uint64_t>(sys_self());
    const volatile DomainInfo& me = domain_table()[self];
    uint64_t rounds = 0, yields = 0, random = self * 0x9E3779B97F4A7C15ull;
    while (me.preempted + yields < kSwitches) {
        random = random * 6364136223846793005ull + 1442695040888963407ull;
        uint64_t n = 1 + (random >> 33) % kMaxRoundsPerCall;
        if (uint64_t bad = regs_check(n); bad != 0) {
            printf("upcallrace: domain %lu: register %s corrupted\n", self, kRegisterNames[bad]);
            return;
        }
        rounds += n;
        (void)sys_yield(YIELD_ANY);
        yields++;
    }
    printf("upcallrace: domain %lu: registers intact over %lu rounds, %lu preemptions and %lu yields\n", self,
           rounds, me.preempted, yields);
}

// The resume handler: resume the interrupted context, through upcall_return.
void resume_unchanged(UArea&) {}

}  // namespace

int main() {
    set_resume_handler(resume_unchanged);
    int64_t children[kChildren];
    for (int64_t& child : children) {
        child = fork();
        if (child < 0) panic("fork: %s", result_name(child));
        if (child == 0) {
            hammer();
            return 0;
        }
    }
    hammer();
    for (int64_t child : children) (void)wait(static_cast<uint64_t>(child));
    return 0;
}
