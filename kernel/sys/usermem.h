// kernel/sys/usermem.h: reading and writing a domain's memory on its behalf.
// exolab: lab 3
//
// A user pointer is only an address in the caller's address space: it may
// be unmapped, point into the kernel, or wrap around.  UserPtr<T> keeps it
// apart from kernel pointers; the only way to use one is copy_in/copy_out,
// which check every page against the domain's page tables (present and
// user-accessible, and writable for copy_out) before touching a byte, and
// then copy through the physmap, so a bad pointer is an error, never a
// kernel fault.
#pragma once

#include <cstddef>
#include <cstdint>

#include "domain/domain.h"

template <typename T>
struct UserPtr {
    uint64_t address;
};

namespace usermem {

// Checks that [address, address + bytes) is user memory of `d`, readable
// (and writable when `write`), without copying.  Errors: BadAddress.
Result<void> check(const domain::Domain& d, uint64_t address, size_t bytes, bool write);

// Copies `bytes` bytes from user address `src` in `d` to `dst`.
// Errors: BadAddress (any byte not readable user memory).
Result<void> copy_in(const domain::Domain& d, void* dst, uint64_t src, size_t bytes);

// Copies `bytes` bytes from `src` to user address `dst` in `d`.
// Errors: BadAddress (any byte not writable user memory).
Result<void> copy_out(const domain::Domain& d, uint64_t dst, const void* src, size_t bytes);

template <typename T>
Result<void> copy_in(const domain::Domain& d, T* dst, UserPtr<const T> src, size_t count = 1) {
    return copy_in(d, static_cast<void*>(dst), src.address, count * sizeof(T));
}

}  // namespace usermem
