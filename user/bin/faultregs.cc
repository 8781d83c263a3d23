// exolab: lab 4
// user/bin/faultregs.cc: a fault upcall preserves every register
// (DESIGN §3.3).
//
// probe (assembly, below) loads a known value into each of the fifteen
// general registers other than rsp, sets rflags' arithmetic bits and DF
// as asked, and writes to an unmapped page.  The handler maps the page;
// the write is retried and completes, and probe stores every register,
// rsp and rflags as they are after the resumption.  main compares them
// with what was loaded, and also checks the context the kernel saved in
// the u-area at the fault.  Two rounds: all the flags set, all clear.
// Any difference is printed as "<where> <register> is X, expected Y".
#include "lib/libos.h"
#include "lib/upcall.h"

// The registers probe leaves behind, in UserContext order.
extern "C" UserContext probe_after;
// probe's rsp just before it loads the registers.
extern "C" uint64_t probe_rsp;
// Loads the registers, sets rflags to `flags`, writes to kTarget, stores.
extern "C" void probe(uint64_t flags);

UserContext probe_after;
uint64_t probe_rsp;

namespace {

constexpr uint64_t kTarget = 0x30000000;  // probe's absolute store
constexpr uint64_t kArithmeticFlags = 0xCD5;  // CF PF AF ZF SF DF OF
constexpr uint64_t kReservedFlag = 0x2;
constexpr const char* kNames[] = {"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp",
                                  "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};
// What probe loads into each register (rsp aside), in UserContext order.
constexpr uint64_t kLoaded[] = {0x0A0A0A0A0A0A0A01, 0x0B0B0B0B0B0B0B02, 0x0C0C0C0C0C0C0C03, 0x0D0D0D0D0D0D0D04,
                                0x5151515151515105, 0xD1D1D1D1D1D1D106, 0xB9B9B9B9B9B9B907, 0,
                                0x8888888888888808, 0x9999999999999909, 0x101010101010100A, 0x111111111111110B,
                                0x121212121212120C, 0x131313131313130D, 0x141414141414140E, 0x151515151515150F};

UPCALL_DATA constinit UserContext at_fault = {};
UPCALL_DATA constinit uint64_t faults = 0;

// Records the saved context and maps a fresh page where the fault landed.
void map_target(UArea& u) {
    at_fault = u.context;
    faults++;
    int64_t pfn = sys_frame_alloc(0);
    if (u.fault_address != kTarget || pfn < 0 || sys_map(0, kTarget, static_cast<uint64_t>(pfn), PERM_W) < 0) {
        printf("faultregs: cannot handle the fault at %lx\n", u.fault_address);
        exit();
    }
}

// Compares `got` with the loaded values, rsp with `rsp` and the arithmetic
// flags with `flags`; prints each difference.  Returns how many.
int compare(const char* where, const UserContext& got, uint64_t rsp, uint64_t flags) {
    const uint64_t* regs = &got.rax;
    int differences = 0;
    for (int i = 0; i < 16; i++) {
        uint64_t expected = i == 7 ? rsp : kLoaded[i];
        if (regs[i] != expected) {
            printf("faultregs: %s %s is %lx, expected %lx\n", where, kNames[i], regs[i], expected);
            differences++;
        }
    }
    if ((got.rflags & kArithmeticFlags) != (flags & kArithmeticFlags)) {
        printf("faultregs: %s rflags is %lx, expected arithmetic flags %lx\n", where, got.rflags,
               flags & kArithmeticFlags);
        differences++;
    }
    return differences;
}

}  // namespace

// probe(flags): callee-saved registers pushed, rsp recorded, then every
// register loaded; the store to kTarget faults once; then all stored.
asm("    .text\n"
    "    .globl probe\n"
    "    .type probe, @function\n"
    "probe:\n"
    "    push %rbx\n"
    "    push %rbp\n"
    "    push %r12\n"
    "    push %r13\n"
    "    push %r14\n"
    "    push %r15\n"
    "    mov %rsp, probe_rsp(%rip)\n"
    "    push %rdi\n"
    "    popfq\n"
    "    movabs $0x0A0A0A0A0A0A0A01, %rax\n"
    "    movabs $0x0B0B0B0B0B0B0B02, %rbx\n"
    "    movabs $0x0C0C0C0C0C0C0C03, %rcx\n"
    "    movabs $0x0D0D0D0D0D0D0D04, %rdx\n"
    "    movabs $0x5151515151515105, %rsi\n"
    "    movabs $0xD1D1D1D1D1D1D106, %rdi\n"
    "    movabs $0xB9B9B9B9B9B9B907, %rbp\n"
    "    movabs $0x8888888888888808, %r8\n"
    "    movabs $0x9999999999999909, %r9\n"
    "    movabs $0x101010101010100A, %r10\n"
    "    movabs $0x111111111111110B, %r11\n"
    "    movabs $0x121212121212120C, %r12\n"
    "    movabs $0x131313131313130D, %r13\n"
    "    movabs $0x141414141414140E, %r14\n"
    "    movabs $0x151515151515150F, %r15\n"
    "    movb $0x5a, 0x30000000\n"
    "    mov %rax, probe_after+0(%rip)\n"
    "    mov %rbx, probe_after+8(%rip)\n"
    "    mov %rcx, probe_after+16(%rip)\n"
    "    mov %rdx, probe_after+24(%rip)\n"
    "    mov %rsi, probe_after+32(%rip)\n"
    "    mov %rdi, probe_after+40(%rip)\n"
    "    mov %rbp, probe_after+48(%rip)\n"
    "    mov %rsp, probe_after+56(%rip)\n"
    "    mov %r8, probe_after+64(%rip)\n"
    "    mov %r9, probe_after+72(%rip)\n"
    "    mov %r10, probe_after+80(%rip)\n"
    "    mov %r11, probe_after+88(%rip)\n"
    "    mov %r12, probe_after+96(%rip)\n"
    "    mov %r13, probe_after+104(%rip)\n"
    "    mov %r14, probe_after+112(%rip)\n"
    "    mov %r15, probe_after+120(%rip)\n"
    "    pushfq\n"
    "    popq probe_after+136(%rip)\n"
    "    cld\n"
    "    mov probe_rsp(%rip), %rsp\n"
    "    pop %r15\n"
    "    pop %r14\n"
    "    pop %r13\n"
    "    pop %r12\n"
    "    pop %rbp\n"
    "    pop %rbx\n"
    "    ret\n"
    "    .size probe, . - probe\n");

int main() {
    set_fault_handler(14, map_target);
    int differences = 0;
    const uint64_t rounds[] = {kArithmeticFlags | kReservedFlag, kReservedFlag};
    for (uint64_t flags : rounds) {
        probe(flags);
        differences += compare("after", probe_after, probe_rsp, flags);
        differences += compare("u-area", at_fault, probe_rsp, flags);
        if (*reinterpret_cast<volatile uint8_t*>(kTarget) != 0x5a) {
            printf("faultregs: the store did not complete\n");
            differences++;
        }
        (void)sys_unmap(0, kTarget);  // the next round faults again
    }
    printf("faultregs: %lu faults, %d differences\n", faults, differences);
    return 0;
}
