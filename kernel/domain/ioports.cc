// exolab: lab 5
// kernel/domain/ioports.cc: the ports each domain holds, and the one TSS
// I/O bitmap that follows the running domain (ioports.h).
#include "domain/ioports.h"

#include "arch/x86_64/gdt.h"
#include "domain/domain.h"

namespace ioports {

// Never a domain that holds no port.
const domain::Domain* detail::loaded = nullptr;

namespace {

using detail::loaded;

bool holds_any(const domain::Domain& d) { return d.ports.ranges[0].count != 0; }

// Opens (allow) or closes every range of `d` in the bitmap.
void set_all(const domain::Domain& d, bool allow) {
    for (const PortRange& r : d.ports.ranges) {
        if (r.count != 0) tss::set_ports(r.first, r.count, allow);
    }
}

}  // namespace

bool may_grant(const domain::Domain& d, uint32_t first, uint32_t count) {
    if (domain::info(d).parent == 0) return true;
    for (const PortRange& r : d.ports.ranges) {
        if (r.count != 0 && r.first <= first && first + count <= r.first + r.count) return true;
    }
    return false;
}

Result<void> add(domain::Domain& d, uint32_t first, uint32_t count) {
    // The ranges the new one neither overlaps nor touches stay as they are;
    // the rest merge with it into one.
    Grants next = {};
    int kept = 0;
    uint32_t low = first, high = first + count;
    for (const PortRange& r : d.ports.ranges) {
        if (r.count == 0) continue;
        if (r.first + r.count < low || high < r.first) {
            if (kept == kMaxRanges - 1) return Error::NoMemory;
            next.ranges[kept++] = r;
        } else {
            low = r.first < low ? r.first : low;
            high = r.first + r.count > high ? r.first + r.count : high;
        }
    }
    next.ranges[kept] = PortRange{low, high - low};
    d.ports = next;
    if (loaded == &d || domain::current() == &d) {
        tss::set_ports(low, high - low, true);
        loaded = &d;
    }
    return {};
}

void load(const domain::Domain* d) {
    const domain::Domain* wanted = d != nullptr && holds_any(*d) ? d : nullptr;
    if (wanted == loaded) return;
    if (loaded != nullptr) set_all(*loaded, false);
    if (wanted != nullptr) set_all(*wanted, true);
    loaded = wanted;
}

void forget(const domain::Domain& d) {
    if (loaded == &d) load(nullptr);
}

}  // namespace ioports
