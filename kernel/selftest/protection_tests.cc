// exolab: lab 3
// kernel/selftest/protection_tests.cc: a kernel that follows a user
// pointer, or jumps to one (see protection_tests.h).
#include "selftest/protection_tests.h"

#include <cstdint>

#include "abi/layout.h"
#include "lib/kprintf.h"
#include "mm/frames.h"
#include "mm/kspace.h"
#include "mm/paging.h"

namespace selftest {
namespace {

constexpr uint64_t kUserPage = kUserBase;  // nothing maps it in the kernel's own space
constexpr uint8_t kRet = 0xC3;             // RET: what a user could have placed there

// Maps a fresh frame at kUserPage in the kernel's address space, present,
// user and executable, with a RET in its first byte (written through the
// physmap).  Returns false, after saying why, if there is no kernel address
// space or no memory.
bool map_user_page() {
    if (kspace::root().value == 0) {
        kprintf("no kernel address space (see the 'mm:' line)\n");
        return false;
    }
    Result<Pfn> pfn = frames::alloc(FrameKind::User, kFrameOwnerKernel);
    if (!pfn.ok()) {
        kprintf("no frame for the user page: %s\n", error_name(pfn.error()));
        return false;
    }
    *PhysAddr::from_pfn(pfn.value()).to_virt<uint8_t>() = kRet;
    Result<void> mapped = paging::map(kspace::root(), VirtAddr(kUserPage), PhysAddr::from_pfn(pfn.value()),
                                      PageFlags::User | PageFlags::Writable, kFrameOwnerKernel);
    if (!mapped.ok()) {
        kprintf("cannot map the user page: %s\n", error_name(mapped.error()));
        return false;
    }
    return true;
}

}  // namespace

void kernel_reads_user_page() {
    if (!map_user_page()) return;
    kprintf("kernel_reads_user_page: reading %016lx\n", kUserPage);
    uint64_t value;
    asm volatile("movq (%1), %0" : "=r"(value) : "r"(kUserPage) : "memory");
    kprintf("kernel_reads_user_page: read %lx: SMAP is off\n", value);
}

void kernel_runs_user_page() {
    if (!map_user_page()) return;
    kprintf("kernel_runs_user_page: calling %016lx\n", kUserPage);
    asm volatile("call *%0" : : "r"(kUserPage) : "memory");
    kprintf("kernel_runs_user_page: returned from the user page: SMEP is off\n");
}

}  // namespace selftest
