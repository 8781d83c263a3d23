// exolab: lab 4
// user/bin/bench_fault.cc: the cost of a page fault handled in user space,
// for `make bench` (DESIGN §8).
//
// Each round reads a page that is not mapped: the kernel delivers a Fault
// upcall, the handler maps a frame there with one map call, and the libOS
// resumes the read.  A fresh address each round, all mapped to one frame,
// so that no round pays for a frame allocation.  Linux's figure is
// SIGSEGV + mprotect + sigreturn.
#include "lib/libos.h"
#include "lib/upcall.h"
#include "lib/x86.h"

namespace {

constexpr uint64_t kWarmup = 16;
constexpr uint64_t kRounds = 1000;
constexpr uint64_t kBase = 0x10000000;  // page-table-aligned: the rounds need 2 page tables

UPCALL_DATA constinit uint64_t frame = 0;

// Maps the frame at the faulting page.
void map_on_fault(UArea& u) {
    if (sys_map(0, u.fault_address & ~(PAGE_SIZE - 1), frame, 0) < 0) panic("map at %lx failed", u.fault_address);
}

}  // namespace

int main() {
    int64_t pfn = sys_frame_alloc(0);
    if (pfn < 0) panic("frame_alloc: %s", result_name(pfn));
    frame = static_cast<uint64_t>(pfn);
    set_fault_handler(14, map_on_fault);
    for (uint64_t i = 0; i < kWarmup; i++) (void)load_from(kBase + (kRounds + i) * PAGE_SIZE);
    uint64_t start = rdtsc_ordered();
    for (uint64_t i = 0; i < kRounds; i++) (void)load_from(kBase + i * PAGE_SIZE);
    uint64_t ticks = rdtsc_ordered() - start;
    printf("BENCH fault_upcall %lu\n", ticks / kRounds);
    return 0;
}
