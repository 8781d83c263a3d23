// kernel/main.cc: kmain, where boot.asm hands over in 64-bit mode.
#include <cstdint>

#include "arch/x86_64/qemu.h"
#include "arch/x86_64/serial.h"
#include "boot/cmdline.h"
#include "boot/multiboot2.h"
#include "debug/symbols.h"
#include "lib/kprintf.h"
#if LAB >= 2
#include "arch/x86_64/trap.h"
#include "debug/trap_report.h"
#include "mm/frames.h"
#include "mm/kspace.h"
#endif
#if LAB >= 3
#include "arch/x86_64/protections.h"
#include "domain/domain.h"
#include "domain/start.h"
#include "arch/x86_64/syscall_msrs.h"
#endif
#if LAB >= 4
#include "domain/slice.h"
#endif
#include "monitor/monitor.h"
#include "selftest/selftest.h"

// The order of initialisation is explicit (there are no global constructors):
// console first so that everything after can report, then what the boot
// loader told us, then whatever the command line asks for.
//
// magic: multiboot2's magic from EAX; info_phys: physical address of the
// boot information from EBX.
extern "C" [[noreturn]] void kmain(uint32_t magic, uint64_t info_phys) {
    serial::init();
    kprintf("exolab: x86-64 exokernel, lab %d\n", LAB);
    const multiboot::BootInfo& boot = multiboot::parse(magic, info_phys);
    symbols::init(boot);
#if LAB >= 2
    // From here on a kernel fault is reported, not a triple fault.
    trap::init(trap_report::kernel_exception, trap_report::user_exception_without_domain);
#endif
    kprintf("cmdline: %s\n", boot.cmdline);
    multiboot::print_memory_map(boot);
#if LAB >= 2
    if (Result<void> r = kspace::init(boot); r.ok()) {
        kprintf("mm: kernel address space ready; %zu of %zu frames free\n", frames::free_count(), frames::count());
    } else {
        kprintf("mm: %s; staying on the boot page tables\n", error_name(r.error()));
    }
#endif
#if LAB >= 3
    protections::enable();  // SMEP, SMAP, UMIP: before any user code runs
    protections::print();
    bool domains_ready = false;
    if (kspace::root().value != 0) {
        Result<void> r = domain::init();
        domains_ready = r.ok();
        if (domains_ready) syscall_msrs::init();
        else kprintf("domains: %s; no user programs can run\n", error_name(r.error()));
    }
#endif
#if LAB >= 4
    // The clock that ends time slices (hz=N, default 100; trace=1 prints
    // every slice for tools/timeline); quiet=1: no line as a domain ends.
    if (domains_ready) {
        domain::set_quiet(cmdline::get_number(boot.cmdline, "quiet", 0) != 0);
        uint32_t hz = domain::start_clock(cmdline::get_number(boot.cmdline, "hz", 100),
                                          cmdline::get_number(boot.cmdline, "trace", 0) != 0);
        kprintf("clock: %u Hz\n", hz);
    }
#endif

    char test[32];
    if (cmdline::get(boot.cmdline, "run", test, sizeof(test))) {
        if (!selftest::run(test, boot)) {
#if LAB >= 3
            if (domains_ready) domain::start_program(boot, test);
            kprintf("run=%s: no memory management, so no domains (see the 'mm:' line)\n", test);
#else
            kprintf("run=%s: no such test\n", test);
#endif
            qemu_exit(ExitCode::Failure);
        }
        kprintf("run=%s: done\n", test);
        qemu_exit(ExitCode::Success);
    }
    monitor::run(boot);
}
