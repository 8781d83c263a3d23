// exolab: lab 4
// user/lib/fork.cc: copy-on-write fork through UVPT (see fork.h).
#include "lib/fork.h"

#include "abi/domain.h"
#include "lib/libos.h"
#include "lib/mapbatch.h"
#include "lib/upcall.h"
#include "lib/windows.h"
#if LAB >= 5
#include "lib/exits.h"
#include "lib/fdtable.h"
#include "lib/fs/fd.h"
#endif

namespace {

constexpr uint64_t kPteCow = 1ull << 9;    // PERM_COW in a page-table entry (mmu.h: software bit)
constexpr uint64_t kPteShare = 1ull << 10; // PERM_SHARE
// A scratch page for copying, out of everyone's way, 1 MiB below the
// upcall stack: in the page table that maps that stack, so mapping and
// unmapping it never builds or frees a table.
constexpr uint64_t kScratch = kUpcallStackTop - 0x100000;
static_assert(kScratch >> 21 == (kUpcallStackTop - kUpcallStackPages * PAGE_SIZE) >> 21, "one page table");


// The map perm bits that reproduce a page-table entry's rights.
uint64_t perm_of(uint64_t pte) {
    uint64_t perm = 0;
    if (pte & kPteWritable) perm |= PERM_W;
    if (!(pte & kPteNoExecute)) perm |= PERM_X;
    if (pte & kPteCow) perm |= PERM_COW;
    if (pte & kPteShare) perm |= PERM_SHARE;
    return perm;
}

// A fresh frame of this domain's holding a copy of the page at `va`, made
// through kScratch (unmapped again, so that duplicate_all's counts of
// present entries stay true).  Returns the frame's number or -Error.
int64_t fresh_copy(uint64_t va) {
    int64_t pfn = sys_frame_alloc(0);
    if (pfn < 0) return pfn;
    if (int64_t r = sys_map(0, kScratch, static_cast<uint64_t>(pfn), PERM_W); r < 0) {
        (void)sys_frame_free(static_cast<uint64_t>(pfn));
        return r;
    }
    memcpy(reinterpret_cast<void*>(kScratch), reinterpret_cast<const void*>(va), PAGE_SIZE);
    (void)sys_unmap(0, kScratch);
    return pfn;
}

// Replaces the page at `va` here by a private copy with rights `perm`.
int64_t copy_page(uint64_t va, uint64_t perm) {
    int64_t pfn = fresh_copy(va);
    if (pfn < 0) return pfn;
    return sys_map(0, va, static_cast<uint64_t>(pfn), perm);
}

// Queues for `child` a copy made now of the page at `va`, with rights
// `perm`.  The batch gives the frame up once it is mapped in the child:
// it is then freed with the child's mapping, when the child exits, instead
// of staying the parent's until the parent exits.
int64_t copy_for_child(MapBatch& child, uint64_t va, uint64_t perm) {
    int64_t pfn = fresh_copy(va);
    if (pfn < 0) return pfn;
    return child.add(va, static_cast<uint64_t>(pfn), perm, true);
}

// Queues for `child` a fresh (zeroed) frame at `va` with rights `perm`,
// given up once mapped there: for a page whose contents the child will
// never read.
int64_t fresh_for_child(MapBatch& child, uint64_t va, uint64_t perm) {
    int64_t zeroed = sys_frame_alloc(0);
    return zeroed < 0 ? zeroed : child.add(va, static_cast<uint64_t>(zeroed), perm, true);
}

// The page-fault handler: a write to a copy-on-write page gets a private
// copy; anything else is a real fault and kills the domain.  The shared
// frame, if this domain owns it, is given up: it is freed when the last
// domain that still maps it unmaps it or exits (without this, every page
// a parent writes after a fork would stay its frame, unmapped, until it
// exits).
void copy_on_write(UArea& u) {
#if SOL >= 4
    uint64_t va = u.fault_address & ~(PAGE_SIZE - 1);
    uint64_t entry = lookup_pte(va);
    bool cow_write = (u.fault_error & 2) && (entry & kPtePresent) && (entry & kPteCow);
    if (!cow_write) {
        printf("domain %ld: page fault at %lx (rip %lx, error %lx), not copy-on-write\n", sys_self(), u.fault_address,
               u.context.rip, u.fault_error);
        exit();
    }
    if (int64_t r = copy_page(va, (perm_of(entry) & ~PERM_COW) | PERM_W); r < 0) {
        printf("domain %ld: copy-on-write of %lx failed: %s\n", sys_self(), va, result_name(r));
        exit();
    }
    uint64_t shared = pte_frame(entry);
    if (frame_table()[shared].owner == static_cast<uint64_t>(sys_self())) (void)sys_frame_free(shared);
#else
    // LAB 4: Exercise 7 (part 3). The page-fault handler fork installs: a
    // write (u.fault_error) to a present copy-on-write page (its entry,
    // lookup_pte) gets a private writable copy at the same address
    // (copy_page), without PERM_COW; the shared frame, if this domain owns
    // it, is given up (frame_free: it becomes free when its last mapping
    // goes).  Any other fault is a bug in the program: report it in one
    // line and exit.
    (void)copy_page, (void)perm_of;
    printf("domain %ld: page fault at %lx: copy-on-write is LAB 4 Exercise 7\n", sys_self(), u.fault_address);
    exit();
#endif
}

// True if `va` is one of the pages fork leaves out: the upcall stack (the
// child gets its own) and the scratch page.
bool not_inherited(uint64_t va) {
    return (va >= kUpcallStackTop - kUpcallStackPages * PAGE_SIZE && va < kUpcallStackTop) || va == kScratch;
}

// True for the pages of .upcall_data, which the child gets a copy of at once.
bool upcall_data(uint64_t va) {
    return va >= reinterpret_cast<uint64_t>(__upcall_data_start) && va < reinterpret_cast<uint64_t>(__upcall_data_end);
}

// Gives the child of `child` the page at `va` (entry `pte`): shared, or
// copy-on-write in both.
int64_t duplicate(MapBatch& child, uint64_t va, uint64_t pte) {
#if SOL >= 4
    uint64_t frame = pte_frame(pte);
    uint64_t rights = perm_of(pte);
    if ((rights & PERM_SHARE) || !(rights & (PERM_W | PERM_COW))) return child.add(va, frame, rights);
    uint64_t cow = (rights & ~PERM_W) | PERM_COW;
    if (rights & PERM_W) {  // still writable here (not since an earlier fork)
        if (int64_t r = sys_map(0, va, frame, cow); r < 0) return r;
    }
    return child.add(va, frame, cow);
#else
    // LAB 4: Exercise 7 (part 1). Give the child the page at `va`, whose
    // page-table entry here is `pte`, so that neither domain can see the
    // other's writes to it from now on (copy-on-write: PERM_COW, read-only,
    // in both), except a PERM_SHARE page, which stays shared with its
    // rights, and a read-only page, which can simply be shared.  The
    // child's mappings go into `child` (MapBatch::add, lib/mapbatch.h),
    // which makes them all with few system calls once fork flushes it;
    // this domain's own changes are made at once (sys_map).
    (void)child, (void)va, (void)pte;
    return -static_cast<int64_t>(Error::NotImplemented);
#endif
}

// This function's stack pointer.
uint64_t stack_pointer() {
    uint64_t rsp;
    asm volatile("mov %%rsp, %0" : "=r"(rsp));
    return rsp;
}

#if SOL >= 4
// What duplicate_all gives a child: its id and the stack pages it copies;
// those below `dead_below` get a fresh frame instead.
struct Inheritance {
    MapBatch& child;
    uint64_t stack_low, stack_high, dead_below;
};

// Gives `to` the pages under the table at `level` that maps [base, base +
// 512 * span): of its entries, [0, limit) are user space and `present` are
// present (the table frame's map_count in UFRAMES).  A program and its
// stacks sit at the two ends of their tables, so the entries are read
// from both ends inwards, absent ones skipped two at a time, until every
// present one is seen.
int64_t give_table(const Inheritance& to, int level, uint64_t base, uint64_t limit, uint64_t present) {
    const volatile uint64_t* entries = reinterpret_cast<const volatile uint64_t*>(entry_address(base, level));
    uint64_t span = uint64_t{PAGE_SIZE} << (9 * (level - 1));
    for (uint64_t low = 0, high = limit; present > 0;) {
        while (low < high && !(entries[low] & kPtePresent) && !(entries[high - 1] & kPtePresent)) low++, high--;
        if (low >= high) break;
        uint64_t i = (entries[low] & kPtePresent) ? low++ : --high;
        uint64_t entry = entries[i], va = base + i * span;
        present--;
        int64_t r = 0;
        if (level > 1) {
            r = give_table(to, level - 1, va, 512, frame_table()[pte_frame(entry)].map_count);
        } else if (va >= USER_BASE && va != UAREA && !not_inherited(va)) {
            bool stack = va >= to.stack_low && va <= to.stack_high;
            bool dead = stack && va + PAGE_SIZE <= to.dead_below;
            bool copy_now = stack || upcall_data(va);
            r = dead       ? fresh_for_child(to.child, va, perm_of(entry))
                : copy_now ? copy_for_child(to.child, va, perm_of(entry)) : duplicate(to.child, va, entry);
        }
        if (r < 0) return r;
    }
    return 0;
}
#endif

// Gives the child of `child` every user page mapped here but those not
// inherited (into the batch: fork flushes it):
// a copy made now of the .upcall_data pages and the stack pages
// [stack_low, stack_high] (a fresh frame for those wholly below this
// call's own frame and red zone: nothing there is live for the child,
// which resumes in fork), the others through duplicate.  Reads each
// present table's entries in UVPT and skips absent tables whole.
int64_t duplicate_all(MapBatch& child, uint64_t stack_low, uint64_t stack_high) {
#if SOL >= 4
    // The child resumes in fork, above this call's frame: nothing below
    // this frame's red zone is live for it.
    uint64_t dead_below = stack_pointer() - 128;
    return give_table(Inheritance{child, stack_low, stack_high, dead_below}, 4, 0, USER_TOP >> 39, 512);
#else
    // LAB 4: Exercise 7 (part 2). For every user page mapped here, found by
    // reading this domain's own page tables through UVPT (windows.h:
    // entry_address, lookup_pte), give the child its page: a private copy
    // made now (copy_for_child) of the .upcall_data pages (upcall_data()) and of
    // the stack pages [stack_low, stack_high], which the child writes with
    // upcalls masked (a fresh frame will do for those below your own
    // frame's red zone: the child never reads them), duplicate() for the
    // others; nothing for the u-area and
    // the pages not_inherited().  Reading a level-1 entry through UVPT
    // faults if a higher level is not present, and user space spans 2^47
    // bytes: skip absent tables whole.  Returns 0 or the first -Error.
    (void)child, (void)stack_low, (void)stack_high, (void)not_inherited, (void)upcall_data, (void)duplicate,
        (void)copy_for_child, (void)fresh_for_child;
    return -static_cast<int64_t>(Error::NotImplemented);
#endif
}

// The pages of the stack that holds `rsp`: the mapped pages contiguous
// with rsp's page, at most kStackReach each way, never the u-area.
constexpr uint64_t kStackReach = 16;
void stack_bounds(uint64_t rsp, uint64_t* low, uint64_t* high) {
    *low = *high = rsp & ~(PAGE_SIZE - 1);
    for (uint64_t i = 0; i < kStackReach && *low > USER_BASE && (lookup_pte(*low - PAGE_SIZE) & kPtePresent); i++) {
        *low -= PAGE_SIZE;
    }
    for (uint64_t i = 0; i < kStackReach && *high + PAGE_SIZE < UAREA && (lookup_pte(*high + PAGE_SIZE) & kPtePresent);
         i++) {
        *high += PAGE_SIZE;
    }
}

// Makes child dom runnable.  From lab 5 it gets a copy of this domain's
// fd table (io::give_files), counted in each open file from just before
// it can run: not earlier, so that a fork failing on the way leaves every
// count as it was; and a record for its exit status.
int64_t start_child(uint64_t dom) {
#if LAB >= 5
    if (Result<void> given = io::give_files(dom, *exofs::files()); !given) return -static_cast<int64_t>(given.error());
    int64_t r = sys_domain_set_runnable(dom, 1);
    if (r < 0) io::take_back_files(dom);
    return r;
#else
    return sys_domain_set_runnable(dom, 1);
#endif
}

}  // namespace

int64_t fork() {
    set_fault_handler(14, copy_on_write);  // before the child exists: it inherits the routing
    int64_t child = sys_domain_create();
    if (child == 0) upcalls_child_started();
    if (child <= 0) return child;  // 0: in the child
    uint64_t dom = static_cast<uint64_t>(child);
    // The child runs on this stack, and every upcall_return writes just
    // below the rsp it resumes, with upcalls masked, when a copy-on-write
    // fault would kill it: the whole stack is copied now.
    uint64_t low, high;
    stack_bounds(stack_pointer(), &low, &high);
    MapBatch child_maps(dom);
    int64_t r = duplicate_all(child_maps, low, high);
    if (r >= 0) r = upcalls_init_child(dom, child_maps);
    if (int64_t flushed = child_maps.flush(); r >= 0) r = flushed;
    if (r >= 0) r = start_child(dom);
    if (r < 0) {
        (void)sys_domain_destroy(dom);
        return r;
    }
    return child;
}

int64_t wait(uint64_t dom) {
#if LAB >= 5
    if (int64_t status = exits::collect(dom); status != -static_cast<int64_t>(Error::NoSuchDomain)) return status;
#endif
    uint64_t self = static_cast<uint64_t>(sys_self());
    if (dom == 0 || dom >= MAX_DOMAINS || domain_table()[dom].parent != self) return -static_cast<int64_t>(Error::NoSuchDomain);
    while (domain_table()[dom].state != DomainState::Free && domain_table()[dom].parent == self) {
        (void)sys_yield(YIELD_ANY);
    }
    return 0;
}
