// exolab: lab 3
// kernel/sys/usermem.h: reading and writing a domain's memory on its behalf.
//
// A user pointer is only an address in the caller's address space: it may
// be unmapped, point into the kernel, or wrap around.  UserPtr<T> keeps it
// apart from kernel pointers: it cannot be dereferenced, converted or read
// as a number, and the only code that sees its address is usermem's
// check/copy_in/copy_out, which check every page against the domain's page
// tables (present and user-accessible, and writable for copy_out) before
// touching a byte, and then copy through the physmap, so a bad pointer is
// an error, never a kernel fault.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "domain/domain.h"

template <typename T>
class UserPtr;

namespace usermem {

// The byte-sized forms of the typed operations below (usermem.cc), and the
// only functions that read a UserPtr's address.  The contracts are those
// of the typed forms with T = uint8_t.
Result<void> check(const domain::Domain& d, UserPtr<const uint8_t> p, size_t count);
Result<void> copy_in(const domain::Domain& d, uint8_t* dst, UserPtr<const uint8_t> src, size_t count);
Result<void> copy_out(const domain::Domain& d, UserPtr<uint8_t> dst, const uint8_t* src, size_t count);

}  // namespace usermem

// The address of a T in a domain's address space, as the domain passed it
// (the dispatcher makes one from an argument register for each parameter
// declared USER_PTR(T) in syscalls.def).  Nothing about it is checked
// until usermem uses it.
template <typename T>
class UserPtr {
public:
    // The pointer to `address`.
    constexpr explicit UserPtr(uint64_t address) : address_(address) {}

    // The pointer `count` elements further on.  Nothing is checked here: a
    // sum that wraps around is refused, like any bad address, when it is used.
    constexpr UserPtr operator+(uint64_t count) const { return UserPtr(address_ + count * sizeof(T)); }

    // The same address as a pointer to the bytes of the T there, keeping
    // its constness: what the byte-sized operations take.
    constexpr auto bytes() const {
        using Byte = std::conditional_t<std::is_const_v<T>, const uint8_t, uint8_t>;
        return UserPtr<Byte>(address_);
    }

private:
    uint64_t address_;

    friend Result<void> usermem::check(const domain::Domain&, UserPtr<const uint8_t>, size_t);
    friend Result<void> usermem::copy_in(const domain::Domain&, uint8_t*, UserPtr<const uint8_t>, size_t);
    friend Result<void> usermem::copy_out(const domain::Domain&, UserPtr<uint8_t>, const uint8_t*, size_t);
};

namespace usermem {

// The size in bytes of `count` Ts, or an error if it does not fit in a
// size_t (no such range is user memory).  Errors: BadAddress.
template <typename T>
constexpr Result<size_t> size_of(size_t count) {
    if (count > std::numeric_limits<size_t>::max() / sizeof(T)) return Error::BadAddress;
    return count * sizeof(T);
}

// Checks that the `count` Ts at `p` are readable user memory of `d`,
// without copying (a call that must refuse a bad buffer before acting on
// any of it).  Errors: BadAddress.
template <typename T>
Result<void> check(const domain::Domain& d, UserPtr<const T> p, size_t count = 1) {
    return check(d, p.bytes(), TRY(size_of<T>(count)));
}

// Copies the `count` Ts at `src` in `d` to `dst`.  Nothing is copied
// unless all of them are readable user memory.  Errors: BadAddress.
template <typename T>
Result<void> copy_in(const domain::Domain& d, T* dst, UserPtr<const T> src, size_t count = 1) {
    static_assert(std::is_trivially_copyable_v<T>, "copy_in copies plain values");
    return copy_in(d, reinterpret_cast<uint8_t*>(dst), src.bytes(), TRY(size_of<T>(count)));
}

// Copies the `count` Ts at `src` to `dst` in `d`.  Nothing is copied
// unless all of them are writable user memory.  Errors: BadAddress.
template <typename T>
Result<void> copy_out(const domain::Domain& d, UserPtr<T> dst, const T* src, size_t count = 1) {
    static_assert(std::is_trivially_copyable_v<T>, "copy_out copies plain values");
    return copy_out(d, dst.bytes(), reinterpret_cast<const uint8_t*>(src), TRY(size_of<T>(count)));
}

}  // namespace usermem
