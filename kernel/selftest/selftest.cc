// kernel/selftest/selftest.cc: the table of kernel self-tests.
#include "selftest/selftest.h"

#include "lib/panic.h"
#include "lib/string.h"
#if LAB >= 2
#include "selftest/mm_checks.h"
#endif
#if LAB >= 2
#include "selftest/trap_tests.h"
#endif
#if LAB >= 3
#include "selftest/domain_checks.h"
#include "selftest/loader_checks.h"
#include "selftest/protection_tests.h"
#endif

namespace selftest {
namespace {

struct Test {
    const char* name;
    void (*run)();
};

void backtrace_test() { backtrace_from_depth(5); }

void panic_test() { panic("self-test panic %d", 42); }

const Test kTests[] = {
    {"printf", printf_cases},
    {"backtrace", backtrace_test},
    {"panic", panic_test},
    {"badframes", corrupt_chains},
    {"symbols", symbol_cases},
    {"demangle", demangle_cases},
    {"memsummary", memory_summary_cases},
    {"cmdline", cmdline_cases},
#if LAB >= 2
    {"frames", frames_check},
    {"release", release_check},
    {"walk", walk_check},
    {"pagetable", page_table_check},
    {"unmap", unmap_check},
    {"lookup", lookup_check},
    {"kspace", kernel_space_check},
    {"windows", windows_check},
    {"uvptread", window_reader_check},
    {"uvptalias", uvpt_alias_check},
    {"exhaust", exhaustion_check},
    {"mmcheck", all_mm_checks},
    {"writetext", write_kernel_text},
    {"protectwrite", write_protected_page},
    {"mapwrite", write_remapped_page},
#endif
#if LAB >= 2
    {"kernel_pagefault", kernel_pagefault},
    {"kernel_divzero", kernel_divzero},
    {"kernel_breakpoint", kernel_breakpoint},
    {"kernel_ud", kernel_ud},
    {"kernel_gp", kernel_gp},
    {"kernel_badint", kernel_badint},
    {"kernel_doublefault", kernel_doublefault},
    {"kernel_irq", kernel_irq},
    {"user_entry", user_entry},
#endif
#if LAB >= 3
    {"kernel_reads_user_page", kernel_reads_user_page},
    {"kernel_runs_user_page", kernel_runs_user_page},
    {"domaintable", domain_table_check},
    {"usermem", usermem_check},
    {"destroy", destroy_check},
    {"loadcheck", load_check},
#endif
};

}  // namespace

bool run(const char* name, const multiboot::BootInfo&) {
    for (const Test& t : kTests) {
        if (strcmp(name, t.name) == 0) {
            t.run();
            return true;
        }
    }
    return false;
}

}  // namespace selftest
