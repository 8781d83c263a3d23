// exolab: lab 5
// kernel/domain/ioports.h: the I/O ports each domain may use (io_grant,
// DESIGN §3.5).
//
// A domain holds a few ranges of ports, granted to it with io_grant (or
// inherited from its creator).  The CPU checks an `in` or `out` at CPL 3
// against the TSS's I/O bitmap, of which there is one; so while a domain
// runs, the bitmap allows exactly its ranges:
//
//   domain A runs     bitmap: A's ranges clear, every other bit set
//   switch to B       set A's bits again, clear B's (nothing to do when
//                     neither holds a port, the common case)
//
// Holding ports is one thing, authority to grant them another: the root
// domain (init) may grant any port, to itself too, though it holds none
// until it does; any other domain may grant only ports it holds.
#pragma once

#include <cstdint>

#include "lib/result.h"

namespace domain {
struct Domain;
}

namespace ioports {

struct PortRange {
    uint32_t first;
    uint32_t count;  // 0: an unused slot
};

inline constexpr int kMaxRanges = 8;

// The ports one domain holds: disjoint, non-adjacent ranges, used from
// the first slot on (a slot with count 0 ends the list).
struct Grants {
    PortRange ranges[kMaxRanges];
};

// True if `d` may grant ports [first, first + count): it is the root
// domain, or one of its ranges covers them all.
bool may_grant(const domain::Domain& d, uint32_t first, uint32_t count);

// Adds ports [first, first + count) (count > 0, first + count <= 65536) to
// what `d` holds.  Afterwards d's ranges are still disjoint and no two of
// them touch (Grants), and they hold exactly the ports they held before
// plus the new ones; if `d` is the running domain (or the one whose ports
// the bitmap allows) the bitmap allows the new ports at once.  Errors:
// NoMemory when that needs more than kMaxRanges ranges (nothing changes).
Result<void> add(domain::Domain& d, uint32_t first, uint32_t count);

// Makes the bitmap allow exactly the ports of `d` (nullptr: none).
void load(const domain::Domain* d);

namespace detail {
extern const domain::Domain* loaded;  // whose ports the bitmap allows; nullptr: nobody's
}

// What domain::run calls on every return to user mode: loads `d`'s ports
// unless there is nothing to do, the common case (nobody holds a port),
// which costs two loads and two compares.
inline void switch_to(const domain::Domain& d, bool d_holds_ports) {
    if (d_holds_ports || detail::loaded != nullptr) load(&d);
}

// `d` is being destroyed: if its ports are open in the bitmap, close them.
void forget(const domain::Domain& d);

}  // namespace ioports
