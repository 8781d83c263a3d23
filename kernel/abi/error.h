// exolab: lab 2
// kernel/abi/error.h: the errors of exolab, shared by the kernel and user space.
//
// The kernel uses Error internally (Result<T> in lib/result.h) and a system
// call returns -static_cast<int64_t>(error) in rax.  Numbers are fixed once
// chosen: they are ABI.
#ifndef EXOLAB_ABI_ERROR_H
#define EXOLAB_ABI_ERROR_H

#include <cstdint>

enum class Error : int64_t {
    InvalidArgument = 1,  // malformed argument: unaligned, out of range, unknown flag
    NoMemory = 2,         // no free frame (or kernel table slot) left
    BadAddress = 3,       // a pointer that is not mapped user memory
    AccessDenied = 4,     // the caller lacks the authority (not its frame, not its descendant)
    NoSuchDomain = 5,     // no live domain with that id
    NotMapped = 6,        // nothing is mapped at that address
    WouldBlock = 7,       // the receiver is not waiting
    Busy = 8,             // the object is in use (a frame someone owns, a slot taken)
    NotImplemented = 9,   // what every skeleton stub returns
};

// The name of an error, e.g. "NoMemory"; "Error(<n>)" style names are not
// needed because every value has a name.
constexpr const char* error_name(Error e) {
    switch (e) {
        case Error::InvalidArgument: return "InvalidArgument";
        case Error::NoMemory: return "NoMemory";
        case Error::BadAddress: return "BadAddress";
        case Error::AccessDenied: return "AccessDenied";
        case Error::NoSuchDomain: return "NoSuchDomain";
        case Error::NotMapped: return "NotMapped";
        case Error::WouldBlock: return "WouldBlock";
        case Error::Busy: return "Busy";
        case Error::NotImplemented: return "NotImplemented";
    }
    return "unknown error";
}

#endif
