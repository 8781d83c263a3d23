// exolab: lab 3
// kernel/domain/start.cc: running the first user program.
#include "domain/start.h"

#include "arch/x86_64/qemu.h"
#include "domain/domain.h"
#include "domain/loader.h"
#include "lib/kprintf.h"
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
