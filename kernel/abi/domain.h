// exolab: lab 3
// kernel/abi/domain.h: the domain table as every domain sees it, read-only,
// at UDOMAINS (DESIGN §3 "no hidden state").  Entry i describes domain id i;
// id 0 is never used (0 means "self" in system calls).
#ifndef EXOLAB_ABI_DOMAIN_H
#define EXOLAB_ABI_DOMAIN_H

#include <cstdint>

#define MAX_DOMAINS 64  // the table is exactly one page

// yield's special targets (lab 4): YIELD_SELF "nobody: idle until the next
// interrupt", YIELD_ANY the root scheduler.
#define YIELD_SELF 0
#define YIELD_ANY 0xFFFF

enum class DomainState : uint8_t {
    Free = 0,      // slot unused
    Stopped = 1,   // exists, not runnable
    Runnable = 2,  // may be given the CPU
    Running = 3,   // has the CPU now
    Blocked = 4,   // waiting in ipc_recv (lab 4); the root scheduler stays
                   // Blocked while it runs its upcall handler
};

// DomainInfo::flags.
inline constexpr uint8_t kDomainHasUpcall = 1 << 0;  // domain_set_upcall gave it an entry (lab 4)

// What a root scheduler reads to decide without a system call.  The
// counters never go down while the domain exists.
struct DomainInfo {
    uint16_t id;
    uint16_t parent;      // 0 for init
    DomainState state;
    uint8_t flags;        // kDomainHasUpcall
    uint16_t generation;  // how many domains this slot has held, this one
                          // included (wraps): tells it from the id's earlier
                          // and later holders
    uint64_t root_pfn;    // frame of its PML4
    uint64_t frames;      // frames it owns
    uint64_t runs;        // times it was given the CPU
    uint64_t ticks;       // timer ticks that arrived while it held the CPU (lab 4)
    uint64_t last_run;    // the tick at which it last got the CPU (lab 4)
    uint64_t preempted;   // slices the timer ended (lab 4)
    uint64_t aborted;     // of those, slices ended by force with upcalls masked (lab 4, DESIGN §3.3)
};
static_assert(sizeof(DomainInfo) == 64, "the domain table layout is ABI (UDOMAINS)");

#endif
