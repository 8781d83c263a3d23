// exolab: lab 5
// user/bin/sharetables.cc: share_tables links one PML4 slot's page tables
// into a descendant, and freezes the slot while it is linked (syscalls.def).
//
// The parent maps two PERM_SHARE pages in slot kLinked and forks; the
// child inherits them (fork passes them on page by page), so the parent
// unmaps them from the child, links the slot's tables into it and checks
// the freeze from both sides.  Each line prints one check.  A flag page mapped PERM_SHARE before the fork carries the
// steps between the two.
#include "lib/fork.h"
#include "lib/libos.h"
#include "lib/windows.h"

namespace {

constexpr uint64_t kSpan = uint64_t{1} << 39;  // one PML4 slot
constexpr uint64_t kLinked = 2 * kSpan;        // linked into the child
constexpr uint64_t kInherited = 3 * kSpan;     // the child inherits a page here
constexpr uint64_t kEmpty = 4 * kSpan;         // nobody maps anything here
constexpr uint64_t kFlag = 0x30000000;         // PERM_SHARE: the steps

enum Step : uint64_t { Start, Linked, ChildDone };

volatile uint64_t& step() { return *reinterpret_cast<volatile uint64_t*>(kFlag); }
volatile uint64_t& word(uint64_t va) { return *reinterpret_cast<volatile uint64_t*>(va); }

void show(const char* what, int64_t r) { printf("sharetables: %s: %s\n", what, r < 0 ? result_name(r) : "ok"); }

uint64_t new_page(uint64_t va, uint64_t perm) {
    int64_t pfn = sys_frame_alloc(0);
    if (pfn < 0 || sys_map(0, va, static_cast<uint64_t>(pfn), perm) < 0) panic("no page at %lx", va);
    return static_cast<uint64_t>(pfn);
}

// Two frames of this domain's that follow on from each other: the first of them.
uint64_t two_frames() {
    for (;;) {
        int64_t first = sys_frame_alloc(0);
        if (first < 0) panic("no frame");
        if (sys_frame_alloc(static_cast<uint64_t>(first) + 1) >= 0) return static_cast<uint64_t>(first);
    }
}

// How many other spaces link the table behind PML4 slot `va` (UFRAMES).
unsigned links_of(uint64_t va) {
    return frame_table()[pte_frame(*reinterpret_cast<const volatile uint64_t*>(entry_address(va, 4)))].links;
}

void wait_for(Step s) {
    while (step() != s) (void)sys_yield(YIELD_ANY);
}

void child(uint64_t parent) {
    wait_for(Linked);
    printf("sharetables: child reads %lx and %lx\n", word(kLinked), word(kLinked + kSpan / 2));
    word(kLinked) = 0xC41D;
    int64_t own = sys_frame_alloc(0);
    if (own < 0) panic("no frame");
    show("child maps in the linked slot", sys_map(0, kLinked + PAGE_SIZE, static_cast<uint64_t>(own), PERM_W));
    show("child unmaps in the linked slot", sys_unmap(0, kLinked));
    show("child links its parent", sys_share_tables(parent, kLinked));
    step() = ChildDone;
    exit();
}

}  // namespace

int main() {
    uint64_t me = static_cast<uint64_t>(sys_self());
    new_page(kFlag, PERM_W | PERM_SHARE);
    step() = Start;
    new_page(kLinked, PERM_W | PERM_SHARE);  // shared as the file system's region is: fork keeps it so
    new_page(kLinked + kSpan / 2, PERM_W | PERM_SHARE);  // under another page directory
    word(kLinked) = 0x1111;
    word(kLinked + kSpan / 2) = 0x2222;
    new_page(kInherited, PERM_W | PERM_SHARE);
    int64_t kid = fork();
    if (kid < 0) panic("fork: %s", result_name(kid));
    if (kid == 0) child(me);
    // The child inherited kLinked's pages too (fork): drop them there first.
    uint64_t c = static_cast<uint64_t>(kid);
    show("child unmaps 1", sys_unmap(c, kLinked));
    show("child unmaps 2", sys_unmap(c, kLinked + kSpan / 2));
    show("self", sys_share_tables(0, kLinked));
    show("own id", sys_share_tables(me, kLinked));
    show("unaligned", sys_share_tables(c, kLinked + PAGE_SIZE));
    show("slot 0, below USER_BASE", sys_share_tables(c, 0));
    show("the u-area's slot", sys_share_tables(c, UAREA & ~(kSpan - 1)));
    show("USER_TOP", sys_share_tables(c, USER_TOP));
    show("kernel half", sys_share_tables(c, 0xFFFF800000000000));
    show("no such domain", sys_share_tables(MAX_DOMAINS + 3, kLinked));
    show("nothing mapped", sys_share_tables(c, kEmpty));
    show("the child maps there", sys_share_tables(c, kInherited));
    printf("sharetables: links before %u\n", links_of(kLinked));
    show("link", sys_share_tables(c, kLinked));
    printf("sharetables: links after %u\n", links_of(kLinked));
    show("link again", sys_share_tables(c, kLinked));
    uint64_t pfn = pte_frame(lookup_pte(kLinked));
    show("map in the linked slot", sys_map(0, kLinked + PAGE_SIZE, pfn, PERM_W));
    // A run from the slot below into the linked one, after a good run: map_runs
    // checks every page before it maps any, so neither may be mapped.
    uint64_t pair = two_frames();
    MapRun runs[2] = {{kEmpty + PAGE_SIZE, pair, 1, PERM_W}, {kLinked - PAGE_SIZE, pair, 2, PERM_W}};
    show("map_runs into the linked slot", sys_map_runs(0, runs, 2));
    bool untouched = !(lookup_pte(kLinked - PAGE_SIZE) & kPtePresent) && !(lookup_pte(kEmpty + PAGE_SIZE) & kPtePresent);
    show("map_runs mapped nothing", untouched ? 0 : -1);
    show("unmap in the linked slot", sys_unmap(0, kLinked + kSpan / 2));
    show("map into the child's linked slot", sys_map(c, kLinked + PAGE_SIZE, pfn, PERM_W));
    show("map elsewhere", sys_map(0, kEmpty, pfn, PERM_W));
    step() = Linked;
    wait_for(ChildDone);
    printf("sharetables: parent reads %lx\n", word(kLinked));
    while (domain_table()[c].state != DomainState::Free) (void)sys_yield(YIELD_ANY);  // its exit
    printf("sharetables: links once the child is gone %u\n", links_of(kLinked));
    printf("sharetables: parent reads %lx and %lx\n", word(kLinked), word(kLinked + kSpan / 2));
    show("map in the slot again", sys_map(0, kLinked + PAGE_SIZE, pfn, PERM_W));
    show("unmap in the slot again", sys_unmap(0, kLinked + kSpan / 2));
    printf("sharetables: done\n");
    return 0;
}
