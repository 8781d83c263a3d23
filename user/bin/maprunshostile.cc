// exolab: lab 4
// user/bin/maprunshostile.cc: map_runs checks every page as map does, all
// before it maps any (DESIGN §3.2).
//
// Each line prints one call's result; the "mapped" lines print ok if the
// refused calls left none of their good pages behind.  A good
// batch maps every page, each at its address.
#include "lib/libos.h"
#include "lib/windows.h"

namespace {

constexpr uint64_t kBase = 0x30000000;  // nothing mapped here before

bool mapped(uint64_t va) { return lookup_pte(va) & kPtePresent; }

void show(const char* what, int64_t r) { printf("maprunshostile: %s: %s\n", what, r < 0 ? result_name(r) : "ok"); }

}  // namespace

int main() {
    int64_t a = sys_frame_alloc(0), b = sys_frame_alloc(0);
    if (a < 0 || b < 0) panic("no frame");
    uint64_t mine = static_cast<uint64_t>(a), other = static_cast<uint64_t>(b);
    uint64_t uarea_pfn = pte_frame(lookup_pte(UAREA));
    MapRun good{kBase, mine, 1, PERM_W};
    // A good first run, then a bad one: nothing of either may be mapped.
    MapRun kernel_frame[2] = {good, {kBase + PAGE_SIZE, uarea_pfn, 1, PERM_W}};
    show("a kernel frame", sys_map_runs(0, kernel_frame, 2));
    show("mapped after the kernel frame", mapped(kBase) ? -1 : 0);
    uint64_t last = mine > other ? mine : other;  // the frame after it is not ours
    MapRun past_end[2] = {good, {kBase + PAGE_SIZE, last, 2, PERM_W}};
    show("a run past the caller's frames", sys_map_runs(0, past_end, 2));
    MapRun kernel_half[2] = {good, {0xFFFF800000000000, mine, 1, PERM_W}};
    show("a kernel-half address", sys_map_runs(0, kernel_half, 2));
    MapRun uarea[2] = {good, {UAREA, mine, 1, PERM_W}};
    show("UAREA", sys_map_runs(0, uarea, 2));
    MapRun bad_perm[2] = {good, {kBase + PAGE_SIZE, mine, 1, 0x10}};
    show("unknown perm bits", sys_map_runs(0, bad_perm, 2));
    MapRun empty[2] = {good, {kBase + PAGE_SIZE, mine, 0, PERM_W}};
    show("a run of 0 pages", sys_map_runs(0, empty, 2));
    MapRun huge[1] = {{kBase, mine, kMaxMapPages + 1, PERM_W}};
    show("over 1024 pages", sys_map_runs(0, huge, 1));
    show("over 32 runs", sys_map_runs(0, kernel_frame, kMaxMapRuns + 1));
    show("runs in the kernel", sys_map_runs(0, reinterpret_cast<const MapRun*>(0xFFFFFFFF80100000), 1));
    show("runs unmapped", sys_map_runs(0, reinterpret_cast<const MapRun*>(kBase + 64 * PAGE_SIZE), 1));
    show("no such domain", sys_map_runs(MAX_DOMAINS + 5, &good, 1));
    show("mapped after all", mapped(kBase) || mapped(kBase + PAGE_SIZE) ? -1 : 0);
    MapRun both[2] = {{kBase, mine, 1, PERM_W}, {kBase + PAGE_SIZE, other, 1, 0}};
    int64_t pages = sys_map_runs(0, both, 2);
    bool landed = pages == 2 && pte_frame(lookup_pte(kBase)) == mine && pte_frame(lookup_pte(kBase + PAGE_SIZE)) == other;
    printf("maprunshostile: a good batch: %ld pages%s\n", pages, landed ? ", each where it was asked" : "");
    return 0;
}
