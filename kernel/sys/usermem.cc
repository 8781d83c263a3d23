// exolab: lab 3
// kernel/sys/usermem.cc: checked copies between the kernel and a domain.
#include "sys/usermem.h"

#include "lib/string.h"
#include "mm/paging.h"

namespace usermem {
namespace {

constexpr uint64_t kLowerHalfEnd = 0x0000800000000000ull;

// Finds where user address `va` of `d` is in physical memory, if the page
// is present and user-accessible (and writable when `write`).
// Errors: BadAddress.
Result<PhysAddr> resolve(const domain::Domain& d, uint64_t va, bool write) {
#if SOL >= 3
    if (va >= kLowerHalfEnd) return Error::BadAddress;
    Result<paging::Mapping> m = paging::lookup(d.root, VirtAddr(va));
    if (!m.ok() || !has(m.value().flags, PageFlags::User)) return Error::BadAddress;
    if (write && !has(m.value().flags, PageFlags::Writable)) return Error::BadAddress;
    return m.value().pa;
#else
    // LAB 3: Exercise 1. The page of `va` counts only if d itself could
    // make that access from ring 3 through its own page tables; then the
    // result is the physical address of `va`.  Anything else is
    // BadAddress.  Threat: the caller chooses va.  The kernel half is
    // mapped in d's tables too (without User), and a check that trusts an
    // address rather than the tables reads or writes the kernel for it.
    (void)d, (void)va, (void)write;
    return Error::NotImplemented;
#endif
}

// Checks that [address, address + bytes) is user memory of `d`, readable
// (and writable when `write`), without copying.  Errors: BadAddress.
Result<void> check_range(const domain::Domain& d, uint64_t address, size_t bytes, bool write) {
#if SOL >= 3
    if (bytes == 0) return {};
    if (address + bytes < address) return Error::BadAddress;
    for (uint64_t page = address & ~(kPageSize - 1); page < address + bytes; page += kPageSize) {
        TRY(resolve(d, page, write));
    }
    return {};
#else
    // LAB 3: Exercise 16. Every page the range touches passes resolve; an
    // empty range is valid wherever it starts (nothing is read).  Threat:
    // both numbers are the caller's, and a range whose end wraps past
    // 2^64 back into user space looks short.
    (void)d, (void)address, (void)bytes, (void)write, (void)resolve;
    return Error::NotImplemented;
#endif
}

// Calls copy(kernel pointer, offset, chunk) for each piece of
// [user, user + bytes) that lies within one page, after checking the
// whole range first (validate, then commit).
template <typename Copy>
Result<void> for_each_page(const domain::Domain& d, uint64_t user, size_t bytes, bool write, Copy copy) {
#if SOL >= 3
    TRY(check_range(d, user, bytes, write));
    for (size_t done = 0; done < bytes;) {
        uint64_t va = user + done;
        size_t chunk = kPageSize - va % kPageSize;
        if (chunk > bytes - done) chunk = bytes - done;
        PhysAddr pa = TRY(resolve(d, va, write));
        copy(pa.to_virt<uint8_t>(), done, chunk);
        done += chunk;
    }
    return {};
#else
    // LAB 3: Exercise 16 (the copy).  Afterwards copy has been called for
    // the whole range in order, each piece within one page, with the
    // kernel's pointer (through the physmap) to that piece; or, if any
    // byte of the range is not such memory, copy was never called.
    // Threat: pages next to each other in d's space are frames anywhere
    // in physical memory, and a copy that finds a bad page halfway has
    // already done half its work.
    (void)d, (void)user, (void)bytes, (void)write, (void)copy;
    return Error::NotImplemented;
#endif
}

}  // namespace

Result<void> check(const domain::Domain& d, UserPtr<const uint8_t> p, size_t count) {
    return check_range(d, p.address_, count, false);
}

Result<void> copy_in(const domain::Domain& d, uint8_t* dst, UserPtr<const uint8_t> src, size_t count) {
    return for_each_page(d, src.address_, count, false,
                         [dst](const uint8_t* from, size_t offset, size_t n) { memcpy(dst + offset, from, n); });
}

Result<void> copy_out(const domain::Domain& d, UserPtr<uint8_t> dst, const uint8_t* src, size_t count) {
    return for_each_page(d, dst.address_, count, true,
                         [src](uint8_t* to, size_t offset, size_t n) { memcpy(to, src + offset, n); });
}

}  // namespace usermem
