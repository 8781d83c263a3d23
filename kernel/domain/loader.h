// exolab: lab 3
// kernel/domain/loader.h: loading a user program (an ELF64 executable from
// a GRUB module) into a fresh domain.
#pragma once

#include <cstddef>
#include <cstdint>

#include "domain/domain.h"

namespace loader {

inline constexpr size_t kStackPages = 4;  // below USTACK_TOP, with an unmapped guard page under them

// Validates the ELF image [image, image + size) completely, then maps its
// segments into `d` (text RX, data RW NX, bss zeroed), maps a user stack
// and sets d.context to start at the entry point.  A malformed image is
// refused before anything is mapped, with *reason saying what is wrong in
// words; after a later error (NoMemory) the caller destroys d.
// Errors: InvalidArgument (malformed; see *reason), NoMemory.
Result<void> load(domain::Domain& d, const uint8_t* image, size_t size, const char** reason);

}  // namespace loader
