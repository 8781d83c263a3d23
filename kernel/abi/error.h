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
    // The libOS's own errors (lab 5): the kernel never returns these.
    NotFound = 10,        // no such file or directory
    Exists = 11,          // the name is taken
    NotDirectory = 12,    // a path component, or the target, is not a directory
    IsDirectory = 13,     // a file operation on a directory
    NotEmpty = 14,        // rmdir of a directory that still has entries
    NoSpace = 15,         // no free block or inode on the disk
    NameTooLong = 16,     // a path component longer than the file system allows
    BadDescriptor = 17,   // a file descriptor that is not open (or not for this use)
    IoError = 18,         // the disk reported an error
    Corrupt = 19,         // the disk holds something the format forbids
    TooBig = 20,          // past the largest file or the end of the disk
    BrokenPipe = 21,      // a write to a pipe whose read end is closed everywhere
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
        case Error::NotFound: return "NotFound";
        case Error::Exists: return "Exists";
        case Error::NotDirectory: return "NotDirectory";
        case Error::IsDirectory: return "IsDirectory";
        case Error::NotEmpty: return "NotEmpty";
        case Error::NoSpace: return "NoSpace";
        case Error::NameTooLong: return "NameTooLong";
        case Error::BadDescriptor: return "BadDescriptor";
        case Error::IoError: return "IoError";
        case Error::Corrupt: return "Corrupt";
        case Error::TooBig: return "TooBig";
        case Error::BrokenPipe: return "BrokenPipe";
    }
    return "unknown error";
}

#endif
