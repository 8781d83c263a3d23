// exolab: lab 4
// user/lib/upcall.cc: dispatching upcalls (see upcall.h).
#include "lib/upcall.h"

#include "abi/domain.h"
#include "lib/libos.h"
#include "lib/scheduler.h"

namespace {

constexpr uint64_t kVectors = 32;
constinit FaultHandler fault_handlers[kVectors] = {};
constinit ResumeHandler resume_handler = nullptr;

// Maps the upcall stack's pages, fresh frames, into domain `dom` (0 =
// self).  The caller keeps its own; a child's it gives up (frame_free) once
// mapped, so they are freed with the child's mappings when the child exits
// rather than staying the caller's until it exits.
int64_t map_upcall_stack(uint64_t dom) {
    for (uint64_t i = 1; i <= kUpcallStackPages; i++) {
        int64_t pfn = sys_frame_alloc(0);
        if (pfn < 0) return pfn;
        int64_t r = sys_map(dom, kUpcallStackTop - i * PAGE_SIZE, static_cast<uint64_t>(pfn), PERM_W);
        if (r >= 0 && dom != 0) r = sys_frame_free(static_cast<uint64_t>(pfn));
        if (r < 0) return r;
    }
    return 0;
}

// Ends an upcall.  If the kernel granted an extra slice while it ran
// (`pending`: the slice ended with upcalls masked), the slice is given
// back first, as the abort protocol asks (DESIGN §3.3).
[[noreturn]] void finish(UArea* u) {
    if (u->pending) {
        u->pending = 0;
        (void)sys_yield(YIELD_ANY);
        u->pending = 0;
    }
    upcall_return(u);
}

}  // namespace

int64_t set_fault_handler(uint64_t vector, FaultHandler handler) {
    if (vector >= kVectors) return -static_cast<int64_t>(Error::InvalidArgument);
    fault_handlers[vector] = handler;
    if (handler != nullptr) {
        uarea()->fault_vectors |= 1ull << vector;
    } else {
        uarea()->fault_vectors &= ~(1ull << vector);
    }
    return 0;
}

void set_resume_handler(ResumeHandler handler) { resume_handler = handler; }

int64_t upcalls_init() {
    int64_t r = map_upcall_stack(0);
    if (r < 0) return r;
    return sys_domain_set_upcall(0, reinterpret_cast<uint64_t>(upcall_entry), kUpcallStackTop);
}

int64_t upcalls_init_child(uint64_t dom) {
    int64_t r = map_upcall_stack(dom);
    if (r < 0) return r;
    return sys_domain_set_upcall(dom, reinterpret_cast<uint64_t>(upcall_entry), kUpcallStackTop);
}

extern "C" void libos_upcall(UArea* u) {
    switch (u->reason) {
    case UpcallReason::Fault:
        if (u->fault_vector < kVectors && fault_handlers[u->fault_vector] != nullptr) {
            fault_handlers[u->fault_vector](*u);
        } else {  // a vector bit set in the u-area by hand, with no handler
            printf("libos: fault upcall for vector %lu with no handler\n", u->fault_vector);
            exit();
        }
        break;
    case UpcallReason::Resume:
        if (resume_handler != nullptr) resume_handler(*u);
        break;
    case UpcallReason::Timer:
    case UpcallReason::Blocked:
    case UpcallReason::Exited:
        root_schedule(*u);  // returns when init's own context should run
        break;
    case UpcallReason::None:
        break;
    }
    finish(u);
}
