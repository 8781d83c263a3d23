// exolab: lab 3
// kernel/domain/domain.cc: the domain table and address spaces.
#include "domain/domain.h"

#include "abi/layout.h"
#include "arch/x86_64/mmu.h"
#include "arch/x86_64/qemu.h"
#include "domain/fault.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "mm/frames.h"
#include "mm/kspace.h"
#include "mm/paging.h"

namespace domain {
namespace {

static_assert(MAX_DOMAINS * sizeof(DomainInfo) == PAGE_SIZE, "the exported table is one page");

constinit Domain domains[MAX_DOMAINS] = {};
DomainInfo* exported = nullptr;   // the UDOMAINS frames, through the physmap

// Allocates the exported table (one frame) and maps it at UDOMAINS in the
// shared windows subtree, user-readable only.  The kernel writes it
// through the physmap.
Result<void> export_table() {
    Pfn pfn = TRY(frames::alloc(FrameKind::Kernel, kFrameOwnerKernel));
    exported = PhysAddr::from_pfn(pfn).to_virt<DomainInfo>();
    return paging::map(kspace::root(), VirtAddr(kUDomains), PhysAddr::from_pfn(pfn),
                       PageFlags::User | PageFlags::NoExecute, kFrameOwnerKernel);
}

// Copies the kernel half of the kernel's PML4 into `root` (the shared
// kernel mappings) and installs the windows.
Result<void> share_kernel_half(PhysAddr root) {
    paging::Pte* mine = paging::entries(root);
    const paging::Pte* kernel = paging::entries(kspace::root());
    for (int i = 256; i < paging::kEntries; i++) {
        if (!paging::present(kernel[i])) continue;
        mine[i] = kernel[i];
        frames::adjust_table_entries(root.pfn(), +1);
    }
    return kspace::install_windows(root);
}

}  // namespace

Domain* detail::running = nullptr;
using detail::running;

Result<void> init() {
    TRY(export_table());
    trap::set_user_exception_handler(user_fault);
    return {};
}

Result<Domain*> create(uint16_t parent, const char* name) {
    Domain* d = nullptr;
    for (uint16_t id = 1; id < MAX_DOMAINS && d == nullptr; id++) {
        if (domains[id].id == 0) d = &domains[id];
    }
    if (d == nullptr) return Error::NoMemory;
    uint16_t id = static_cast<uint16_t>(d - domains);
    PhysAddr root = TRY(paging::new_table(id));
    if (Result<void> r = share_kernel_half(root); !r.ok()) {
        paging::destroy(root);
        return r.error();
    }
    *d = Domain{};
    d->id = id;
    d->root = root;
    size_t n = 0;
    for (; name[n] != '\0' && n + 1 < sizeof(d->name); n++) d->name[n] = name[n];
    d->name[n] = '\0';
    exported[id] = DomainInfo{id, parent, DomainState::Stopped, {}, root.pfn(), 0, 0};
    return d;
}

void destroy(Domain& d) {
    for (Domain& child : domains) {  // descendants first
        if (child.id != 0 && exported[child.id].parent == d.id) destroy(child);
    }
    if (mmu::is_active(d.root.value)) mmu::activate(kspace::root().value);
    paging::destroy(d.root);  // unmaps everything: released frames with no mapping left become free
    for (Pfn p = 0; p < frames::count(); p++) {
        const FrameInfo& f = frames::info(p);
        if (f.owner == d.id && f.kind == FrameKind::User) MUST(frames::release(p));
    }
    exported[d.id] = DomainInfo{};
    if (running == &d) running = nullptr;
    d = Domain{};
}

Domain* find(uint64_t id) {
    if (id == 0 || id >= MAX_DOMAINS || domains[id].id == 0) return nullptr;
    return &domains[id];
}

bool is_self_or_descendant(const Domain& d, const Domain& ancestor) {
    for (uint16_t id = d.id; id != 0; id = exported[id].parent) {
        if (id == ancestor.id) return true;
    }
    return false;
}

DomainInfo& info(const Domain& d) { return exported[d.id]; }

void run(Domain& d) {
    if (running != nullptr && running != &d) exported[running->id].state = DomainState::Runnable;
    running = &d;
    exported[d.id].state = DomainState::Running;
    exported[d.id].runs++;
    mmu::activate(d.root.value);
    trap_return(&d.context);
}

void schedule_next() {
    for (Domain& d : domains) {
        if (d.id != 0 && exported[d.id].state == DomainState::Runnable) run(d);
    }
    kprintf("all domains exited\n");
    qemu_exit(ExitCode::Success);
}

}  // namespace domain
