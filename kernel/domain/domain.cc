// exolab: lab 3
// kernel/domain/domain.cc: the domain table and address spaces.
#include "domain/domain.h"

#include "abi/layout.h"
#include "arch/x86_64/mmu.h"
#include "arch/x86_64/qemu.h"
#include "domain/fault.h"
#include "lib/kprintf.h"
#include "lib/panic.h"
#include "lib/string.h"
#include "mm/frames.h"
#include "mm/kspace.h"
#include "mm/paging.h"

namespace domain {

constinit Domain detail::table[MAX_DOMAINS] = {};
Domain* detail::running = nullptr;
DomainInfo* detail::exported = nullptr;  // the UDOMAINS frames, through the physmap

namespace {

using detail::exported;
using detail::running;
using detail::table;

static_assert(MAX_DOMAINS * sizeof(DomainInfo) == PAGE_SIZE, "the exported table is one page");

bool keep_quiet = false;          // set_quiet
#if SOL >= 3
uint16_t generations[MAX_DOMAINS] = {};  // DomainInfo::generation, kept while a slot is free
#endif

// Allocates the exported table (one frame) and maps it at UDOMAINS in the
// shared windows subtree, user-readable only.  The kernel writes it
// through the physmap.
Result<void> export_table() {
    Pfn pfn = TRY(frames::alloc(FrameKind::Kernel, kFrameOwnerKernel));
    exported = PhysAddr::from_pfn(pfn).to_virt<DomainInfo>();
    return paging::map(kspace::root(), VirtAddr(kUDomains), PhysAddr::from_pfn(pfn),
                       PageFlags::User | PageFlags::NoExecute, kFrameOwnerKernel);
}

// The unused slot of the table that create() fills next.
// Errors: NoMemory (every slot is in use).
Result<Domain*> free_slot() {
#if SOL >= 3
    for (uint16_t id = 1; id < MAX_DOMAINS; id++) {
        if (table[id].id == 0) return &table[id];
    }
    return Error::NoMemory;
#else
    // LAB 3: Exercise 13. The slot with the smallest id that no domain
    // holds (the first program is domain 1).  Slot 0 is never used: id 0
    // means "self" in every system call.  Threat: once the table is full
    // the answer is an error, never a live domain's slot.
    return Error::NoMemory;
#endif
}

// Makes the fresh, empty PML4 `root` a domain's address space: the kernel
// half shared with the kernel's own space, and the windows.
// Errors: NoMemory.
Result<void> share_kernel_half(PhysAddr root) {
#if SOL >= 3
    paging::Pte* slots = paging::entries(root);
    const paging::Pte* kernel_slots = paging::entries(kspace::root());
    for (int i = paging::kEntries / 2; i < paging::kEntries; i++) {
        if (!paging::present(kernel_slots[i])) continue;
        slots[i] = kernel_slots[i];
        frames::adjust_table_entries(root.pfn(), +1);
    }
    return kspace::install_windows(root);
#else
    // LAB 3: Exercise 10. Afterwards `root` translates every kernel-half
    // address exactly as kspace::root() does, through the kernel's own
    // lower-level tables (no copies: a kernel mapping added later must be
    // seen by every domain), and holds the exported windows; the frame
    // table's count of root's present entries is exact.  Threat: every
    // trap and system call runs on the domain's CR3, so a kernel address
    // missing here is a fault the kernel cannot even report; an entry with
    // User set, or a table of the kernel's that paging::destroy mistakes
    // for the domain's, hands the kernel to the domain.
    (void)root;
    return Error::NotImplemented;
#endif
}

#if LAB >= 4
// Gives the domain of `root` (id `id`) its u-area: a kernel-owned frame,
// zeroed, mapped user-writable and not executable at UAREA.  The domain
// cannot free it (it does not own it) nor map over it (map refuses UAREA).
// Errors: NoMemory.
Result<Pfn> make_uarea(PhysAddr root, uint16_t id) {
    Pfn pfn = TRY(frames::alloc(FrameKind::Kernel, id));
    Result<void> mapped = paging::map(root, VirtAddr(UAREA), PhysAddr::from_pfn(pfn),
                                      PageFlags::User | PageFlags::Writable | PageFlags::NoExecute, id);
    if (!mapped.ok()) {
        MUST(frames::release(pfn));  // mapped nowhere: free again at once
        return mapped.error();
    }
    return pfn;
}
#endif

}  // namespace

Result<void> init() {
    TRY(export_table());
    trap::set_user_exception_handler(user_fault);
    return {};
}

Result<Domain*> create(uint16_t parent, const char* name) {
    Domain* d = TRY(free_slot());
    uint16_t id = static_cast<uint16_t>(d - table);
    PhysAddr root = TRY(paging::new_table(id));
    if (Result<void> r = share_kernel_half(root); !r.ok()) {
        paging::destroy(root);
        return r.error();
    }
#if LAB >= 4
    Result<Pfn> uarea = make_uarea(root, id);
    if (!uarea.ok()) {
        paging::destroy(root);
        return uarea.error();
    }
#endif
    *d = Domain{};
    d->id = id;
    d->root = root;
#if SOL >= 3
    exported[id] = DomainInfo{};
    exported[id].id = id;
    exported[id].parent = parent;
    exported[id].state = DomainState::Stopped;
    exported[id].root_pfn = root.pfn();
    exported[id].generation = ++generations[id];
#else
    // LAB 3: Exercise 13 (the exported entry).  Every domain reads the
    // table at UDOMAINS (abi/domain.h) to learn what exists without a
    // system call: the new domain's entry describes it as it now is,
    // and nothing of the slot's previous domain survives in it (its
    // counters start from zero); its generation is one more than the
    // slot's previous domain's, though destroy() clears that domain's
    // whole entry: a reader that remembered (id, generation) can tell a
    // new domain from the one it knew.
    (void)parent;
#endif
    size_t n = 0;
    for (; name[n] != '\0' && n + 1 < sizeof(d->name); n++) d->name[n] = name[n];
    d->name[n] = '\0';
#if LAB >= 4
    d->uarea_pfn = uarea.value();
    d->uarea = PhysAddr::from_pfn(d->uarea_pfn).to_virt<UArea>();
#endif
#if LAB >= 5
    if (parent != 0) d->ports = table[parent].ports;
#endif
    return d;
}

void destroy(Domain& d) {
#if SOL >= 3
    for (Domain& child : table) {  // descendants first
        if (child.id != 0 && exported[child.id].parent == d.id) destroy(child);
    }
    if (mmu::is_active(d.root.value)) mmu::activate(kspace::root().value);
    paging::destroy(d.root);  // unmaps everything: released frames with no mapping left become free
    // The table counts the frames it owns (frame_alloc, the loader), so the
    // scan stops at the last one: a domain that owns none costs nothing.
    uint64_t owned = exported[d.id].frames;
    for (Pfn p = 0; p < frames::count() && owned > 0; p++) {
        if (frames::info(p).owner != d.id || frames::info(p).kind != FrameKind::User) continue;
        MUST(frames::release(p));
        owned--;
    }
#else
    // LAB 3: Exercise 17.  d's descendants end as d does, and what each
    // held goes back: its address space (the tables, every mapping in
    // it) and every frame it owns, mapped or not, each free again once
    // nothing maps it (frames::release), never while another domain
    // still maps it.  Then the lines below forget the domain itself.
    // Threats: a descendant left alive keeps frames and a parent id that
    // a new domain may take over, with its authority; d may be the running domain, ending
    // itself inside a system call, with its own tables in CR3; a domain
    // may own frames it never mapped (frame_alloc) and map frames it no
    // longer owns; and every exit and every kill comes through here, so
    // a domain that holds little should cost little to end.
#endif
    exported[d.id] = DomainInfo{};
    if (running == &d) running = nullptr;
#if LAB >= 4
    MUST(frames::release(d.uarea_pfn));  // unmapped above, so free at once
#endif
#if LAB >= 5
    ioports::forget(d);
#endif
    d = Domain{};
}

void set_quiet(bool quiet) { keep_quiet = quiet; }

bool quiet() { return keep_quiet; }

Domain* find(uint64_t id) {
#if SOL >= 3
    if (id == 0 || id >= MAX_DOMAINS || table[id].id == 0) return nullptr;
    return &table[id];
#else
    // LAB 3: Exercise 13 (see domain.h).  Threat: `id` is a whole 64-bit
    // register a domain chose; the table has MAX_DOMAINS slots, some of
    // them unused or left by a destroyed domain.
    (void)id;
    return nullptr;
#endif
}

bool is_self_or_descendant(const Domain& d, const Domain& ancestor) {
#if SOL >= 3
    for (uint16_t id = d.id; id != 0; id = exported[id].parent) {
        if (id == ancestor.id) return true;
    }
    return false;
#else
    // LAB 3: Exercise 13 (see domain.h): the answer follows the exported
    // parent links.  Threat: this is the authority check of every call
    // that names another domain; an answer of true for a sibling or an
    // ancestor gives a domain power over what it did not create.
    (void)d, (void)ancestor;
    return false;
#endif
}

void run(Domain& d) {
#if SOL >= 3
    if (running != nullptr && running != &d && exported[running->id].state == DomainState::Running) {
        exported[running->id].state = DomainState::Runnable;
    }
    if (running != &d) exported[d.id].runs++;
    if (exported[d.id].state != DomainState::Blocked) exported[d.id].state = DomainState::Running;
#else
    // LAB 3: Exercise 13 (the switch's bookkeeping, see domain.h).  Before
    // `running` becomes d, the exported table says so: d is Running, and
    // its runs count once per time it is given the CPU, not once per
    // return to it; the domain that held the CPU before, if another and
    // Running, is Runnable.  A Blocked domain stays Blocked (lab 4's root
    // scheduler runs its handler while blocked).  Threat: schedulers (and
    // ps) decide from these entries alone.
    (void)d;
#endif
    running = &d;
    mmu::activate(d.root.value);
#if LAB >= 5
    ioports::switch_to(d, d.ports.ranges[0].count != 0);
    // `running`, not `d`: read again after a call that is rare, `d` needs
    // no register saved across it (DESIGN §8: run is on every fault upcall).
    trap_return(&running->context);
#else
    trap_return(&d.context);
#endif
}

#if LAB >= 4
void save_running(const TrapFrame& frame, DomainState state) {
    kassert(running != nullptr);
    running->context = frame;
    if (exported[running->id].state != DomainState::Blocked) exported[running->id].state = state;
    running = nullptr;
}
#endif

#if LAB < 4
void schedule_next() {
    for (Domain& d : table) {
        if (d.id != 0 && exported[d.id].state == DomainState::Runnable) run(d);
    }
    kprintf("all domains exited\n");
    qemu_exit(ExitCode::Success);
}
#endif

}  // namespace domain
