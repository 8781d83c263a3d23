// exolab: lab 3
// kernel/domain/domain.h: protection domains (DESIGN §3).
//
// A domain is an address space (its own PML4 sharing the kernel half and
// the exported windows), the frames it owns, and its saved user context.
// The kernel keeps no per-domain kernel stack: a domain between runs is
// exactly its saved TrapFrame.  Every domain sees the whole table,
// read-only, at UDOMAINS (abi/domain.h).
#pragma once

#include <cstdint>

#include "abi/domain.h"
#if LAB >= 4
#include "abi/uarea.h"
#endif
#include "arch/x86_64/trap.h"
#if LAB >= 5
#include "domain/ioports.h"
#endif
#include "lib/result.h"
#include "mm/addr.h"

namespace domain {

struct Domain {
    uint16_t id;               // index in the table; 0 = unused slot
    PhysAddr root;             // PML4
    TrapFrame context;         // user registers while not running
    char name[32];             // the program it runs, for messages
#if LAB >= 4
    UArea* uarea;              // its u-area (mapped at UAREA), through the physmap
    Pfn uarea_pfn;
    uint64_t upcall_entry;     // 0: no upcalls, lab 3's behaviour (DESIGN §3.3)
    uint64_t upcall_stack;
    uint64_t recv_va;          // while Blocked in ipc_recv: where a page sent goes (0: none)
    bool overran;              // the timer found it masked at the end of this slice
#endif
#if LAB >= 5
    ioports::Grants ports;     // the I/O ports it may use (io_grant)
#endif
};

// Allocates the exported table and maps it at UDOMAINS, and makes
// user_fault (fault.h) the handler of user-mode exceptions.  Call once,
// after kspace::init.  Errors: NoMemory.
Result<void> init();

// A new domain with an empty address space (kernel half and windows only;
// from lab 4 also its u-area at UAREA), child of `parent` (0 for init);
// from lab 5 it holds the I/O ports its parent holds.
// Errors: NoMemory (no slot or frame).
Result<Domain*> create(uint16_t parent, const char* name);

// Destroys `d` and its descendants: unmaps everything, releases every
// frame they own, frees their page tables and slots.  Prints nothing and
// gives the CPU to nobody: the caller decides what runs next.
void destroy(Domain& d);

// Whether the kernel keeps quiet about domains that end normally: no
// "exited" or "destroyed by" line (quiet=1 on the command line, as make
// qemu boots the shell).  Faults and forced preemptions are always printed.
void set_quiet(bool quiet);
bool quiet();

// The live domain with id `id`, or nullptr if there is none (0 names none:
// it means "self" in system calls, and slot 0 is never used).
Domain* find(uint64_t id);

namespace detail {
extern Domain* running;  // written only by run() and destroy()
}

// The domain whose address space is active, or nullptr.  Inline: every
// system call asks, and the null call's target is 80 instructions.
inline Domain* current() { return detail::running; }

// True if `d` is `ancestor` or below it.
bool is_self_or_descendant(const Domain& d, const Domain& ancestor);

namespace detail {
extern DomainInfo* exported;  // the UDOMAINS table, kernel-writable; set by init()
}

// The exported entry of `d` (kernel-writable view of UDOMAINS).  Inline:
// every switch and most calls ask.
inline DomainInfo& info(const Domain& d) { return detail::exported[d.id]; }

// Gives the CPU to `d`: switches to its address space and resumes its
// context.  Marks it Running and the previous one Runnable.
[[noreturn]] void run(Domain& d);

#if LAB >= 4
// Calls `f(d)` for every domain that exists.
template <typename F>
void for_each(F f);

// The domain that holds the CPU, saved: its registers from `frame` become
// its context and its state becomes `state`, unless it is Blocked (the root
// scheduler running its handler stays Blocked).  Then nobody holds the CPU.
void save_running(const TrapFrame& frame, DomainState state);
#endif

#if LAB < 4
// Called when the running domain can no longer run (it exited or was
// killed): runs another runnable domain, or reports that all are gone and
// powers off.  (Lab 4 tells the root scheduler instead: domain/slice.h.)
[[noreturn]] void schedule_next();
#endif

namespace detail {
extern Domain table[MAX_DOMAINS];  // indexed by id; slot 0 is never used
}

#if LAB >= 4
template <typename F>
void for_each(F f) {
    for (Domain& d : detail::table) {
        if (d.id != 0) f(d);
    }
}
#endif

}  // namespace domain
