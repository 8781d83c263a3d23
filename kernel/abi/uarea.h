// exolab: lab 3
// kernel/abi/uarea.h: the u-area, one page per domain at UAREA, shared by
// the domain and the kernel (DESIGN §3.3).  The kernel saves the interrupted
// context here when it delivers an upcall (lab 4).
#ifndef EXOLAB_ABI_UAREA_H
#define EXOLAB_ABI_UAREA_H

#include <cstdint>

enum class UpcallReason : uint64_t {
    None = 0,
    Resume = 1,   // given the CPU by yield
    Fault = 2,    // an exception in user mode
    Timer = 3,    // root scheduler: another domain's slice ended (arg = that domain)
    Blocked = 4,  // root scheduler: a domain blocked in ipc_recv (arg)
    Exited = 5,   // root scheduler: a domain was destroyed (arg)
};

// The user registers, in the order the libOS restores them.
struct UserContext {
    uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rip, rflags;
};
static_assert(sizeof(UserContext) == 18 * 8);

// UArea::ipc_perm: a page came with the message (mapped where ipc_recv said).
inline constexpr uint64_t kIpcPageSent = 1ull << 63;

struct UArea {
    uint64_t masked;          // non-zero: upcalls are held back (set by the kernel on delivery)
    uint64_t pending;         // an upcall arrived while masked
    UpcallReason reason;
    uint64_t arg;             // the domain a TIMER/BLOCKED/EXITED upcall is about
    uint64_t fault_vectors;   // written by the domain: bit v set = an exception of vector v
                              // arrives as a Fault upcall; any other kills the domain (lab 3)
    UserContext context;      // the interrupted context
    uint64_t fault_vector;    // FAULT: the exception
    uint64_t fault_error;     //        its error code
    uint64_t fault_address;   //        CR2 for a page fault
    uint64_t ipc_value;       // the word ipc_send delivered
    uint64_t ipc_sender;      // who sent it
    uint64_t ipc_perm;        // kIpcPageSent | the PERM_ bits of the page sent; 0: no page
    uint64_t resume_direct;   // written by the domain: non-zero = a Resume needs no upcall
                              // (nothing to decide: no user threads), the kernel resumes
                              // the saved context at once
};
static_assert(sizeof(UArea) <= 4096, "the u-area is one page");
// The offsets the libOS's assembly uses (upcall_return, an asm block in
// user/lib/upcall.cc).
static_assert(__builtin_offsetof(UArea, masked) == 0 && __builtin_offsetof(UArea, pending) == 8 &&
              __builtin_offsetof(UArea, context) == 40, "user/lib/upcall.cc's upcall_return hard-codes these offsets");

#endif
