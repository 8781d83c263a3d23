// exolab: lab 3
// kernel/domain/fault.cc: what happens when a domain faults (see fault.h).
#include "domain/fault.h"

#include "debug/trap_report.h"
#include "domain/domain.h"
#include "lib/format.h"

namespace domain {

void user_fault(TrapFrame& frame, uint64_t fault_address) {
    Domain* d = current();
    if (d == nullptr) trap_report::user_exception_without_domain(frame, fault_address);
    char context[64];
    snformat(context, sizeof(context), "domain %u (%s) killed", d->id, d->name);
    trap_report::print_trap_line(context, frame, fault_address);
    destroy(*d);
    schedule_next();
}

}  // namespace domain
