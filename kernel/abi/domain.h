// exolab: lab 3
// kernel/abi/domain.h: the domain table as every domain sees it, read-only,
// at UDOMAINS (DESIGN §3 "no hidden state").  Entry i describes domain id i;
// id 0 is never used (0 means "self" in system calls).
#ifndef EXOLAB_ABI_DOMAIN_H
#define EXOLAB_ABI_DOMAIN_H

#include <cstdint>

#define MAX_DOMAINS 128  // the table is exactly one page

enum class DomainState : uint8_t {
    Free = 0,      // slot unused
    Stopped = 1,   // exists, not runnable
    Runnable = 2,  // may be given the CPU
    Running = 3,   // has the CPU now
    Blocked = 4,   // waiting in ipc_recv (lab 4)
};

struct DomainInfo {
    uint16_t id;
    uint16_t parent;      // 0 for init
    DomainState state;
    uint8_t reserved[3];
    uint64_t root_pfn;    // frame of its PML4
    uint64_t frames;      // frames it owns
    uint64_t runs;        // times it was given the CPU
};
static_assert(sizeof(DomainInfo) == 32, "the domain table layout is ABI (UDOMAINS)");

#endif
