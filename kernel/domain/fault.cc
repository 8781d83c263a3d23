// exolab: lab 3
// kernel/domain/fault.cc: what happens when a domain faults (see fault.h).
#include "domain/fault.h"

#include "debug/trap_report.h"
#include "domain/domain.h"
#include "lib/format.h"
#if LAB >= 4
#include "domain/slice.h"
#include "lib/kprintf.h"
#endif

namespace domain {

namespace {

#if LAB >= 4
// True if `d` asked for exceptions of `vector` as Fault upcalls.
bool wants_fault_upcall(const Domain& d, uint64_t vector) {
    return d.upcall_entry != 0 && vector < 64 && (d.uarea->fault_vectors >> vector & 1);
}
#endif

// Reports the fault on the console and destroys `d`.  Out of line: the
// Fault upcall path saves fewer registers without its buffer (DESIGN §8).
[[noreturn, gnu::noinline]] void kill(Domain& d, const TrapFrame& frame, uint64_t fault_address) {
    char context[64];
    snformat(context, sizeof(context), "domain %u (%s) killed", d.id, d.name);
    trap_report::print_trap_line(context, frame, fault_address);
#if LAB >= 4
    uint16_t id = d.id;
    end_slice(frame, DomainState::Stopped, SliceEnd::Kill);
    destroy(d);
    notify_root(UpcallReason::Exited, id);
#else
    destroy(d);
    schedule_next();
#endif
}

}  // namespace

void user_fault(TrapFrame& frame, uint64_t fault_address) {
    Domain* d = current();
    if (d == nullptr) trap_report::user_exception_without_domain(frame, fault_address);
#if LAB >= 4
    if (wants_fault_upcall(*d, frame.vector)) {
        if (!d->uarea->masked) {
            d->uarea->fault_vector = frame.vector;
            d->uarea->fault_error = frame.error_code;
            d->uarea->fault_address = fault_address;
            if (deliver_upcall(*d, frame, UpcallReason::Fault, 0)) run(*d);
        } else {
            kprintf("domain %u (%s): fault while upcalls were masked\n", d->id, d->name);
        }
    }
#endif
    kill(*d, frame, fault_address);
}

}  // namespace domain
