// kernel/domain/start.cc: running the first user program, and what happens
// exolab: lab 3
// when a domain faults (trap::user_fault, lab 3's version).
#include "domain/start.h"

#include "domain/domain.h"
#include "domain/loader.h"
#include "lib/format.h"
#include "lib/kprintf.h"
#include "lib/panic.h"
#include "lib/string.h"

namespace domain {

void start_program(const multiboot::BootInfo& boot, const char* name) {
    const multiboot::Module* module = nullptr;
    for (size_t i = 0; i < boot.module_count; i++) {
        if (strcmp(boot.modules[i].cmdline, name) == 0) module = &boot.modules[i];
    }
    if (module == nullptr) {
        kprintf("run=%s: no such program\n", name);
        qemu_exit(ExitCode::Failure);
    }
    Result<Domain*> created = create(0, name);
    if (!created.ok()) {
        kprintf("run=%s: cannot create a domain: %s\n", name, error_name(created.error()));
        qemu_exit(ExitCode::Failure);
    }
    Domain& d = *created.value();
    const char* reason;
    auto* image = PhysAddr(module->start).to_virt<const uint8_t>();
    if (Result<void> r = loader::load(d, image, module->end - module->start, &reason); !r.ok()) {
        kprintf("run=%s: cannot load: %s\n", name, reason);
        destroy(d);
        qemu_exit(ExitCode::Failure);
    }
    kprintf("domain %u (%s) started\n", d.id, d.name);
    run(d);
}

}  // namespace domain

namespace trap {

// Lab 3: a fault in user mode destroys the domain, with one line that says
// which domain, what fault, where and (for a page fault) what access.
void user_fault(TrapFrame& frame, uint64_t fault_address) {
    domain::Domain* d = domain::current();
    if (d == nullptr) {  // user mode entered without a domain: a kernel bug (trap.h's contract)
        print_report("user fault", frame, fault_address);
        panic("fault in user mode with no current domain");
    }
    char context[64];
    snformat(context, sizeof(context), "domain %u (%s) killed", d->id, d->name);
    print_trap_line(context, frame, fault_address);
    domain::destroy(*d);
    domain::schedule_next();
}

}  // namespace trap
