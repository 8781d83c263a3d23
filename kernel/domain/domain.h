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
#include "arch/x86_64/trap.h"
#include "lib/result.h"
#include "mm/addr.h"

namespace domain {

struct Domain {
    uint16_t id;               // index in the table; 0 = unused slot
    PhysAddr root;             // PML4
    TrapFrame context;         // user registers while not running
    char name[32];             // the program it runs, for messages
};

// Allocates the exported table and maps it at UDOMAINS, and makes
// user_fault (fault.h) the handler of user-mode exceptions.  Call once,
// after kspace::init.  Errors: NoMemory.
Result<void> init();

// A new domain with an empty address space (kernel half and windows only),
// child of `parent` (0 for init).  Errors: NoMemory (no slot or frame).
Result<Domain*> create(uint16_t parent, const char* name);

// Destroys `d` and its descendants: unmaps everything, releases every
// frame they own, frees their page tables and slots.
void destroy(Domain& d);

// The domain with id `id`, or nullptr if there is none.
Domain* find(uint64_t id);

namespace detail {
extern Domain* running;  // written only by run() and destroy()
}

// The domain whose address space is active, or nullptr.  Inline: every
// system call asks, and the null call's target is 80 instructions.
inline Domain* current() { return detail::running; }

// True if `d` is `ancestor` or below it.
bool is_self_or_descendant(const Domain& d, const Domain& ancestor);

// The exported entry of `d` (kernel-writable view of UDOMAINS).
DomainInfo& info(const Domain& d);

// Gives the CPU to `d`: switches to its address space and resumes its
// context.  Marks it Running and the previous one Runnable.
[[noreturn]] void run(Domain& d);

// Called when the running domain can no longer run (it exited or was
// killed): runs another runnable domain, or reports that all are gone and
// powers off.
[[noreturn]] void schedule_next();

}  // namespace domain
