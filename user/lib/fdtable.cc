// exolab: lab 5
// user/lib/fdtable.cc: fd tables in the region (see fdtable.h).
#include "lib/fdtable.h"

#include "lib/exits.h"
#include "lib/fs/fd.h"
#include "lib/fs/ops.h"
#include "lib/fs/region.h"
#include "lib/io.h"
#include "lib/libos.h"

namespace io {
namespace {

using exofs::Files;
using exofs::kNoOwner;
using exofs::kReclaiming;

// Closes the fds left in row `id` if its owner died, and frees the row;
// returns once nobody is closing them.  A live owner's row is left alone.
void reclaim(uint64_t id) {
    exofs::Shared* s = exofs::shared();
    for (;;) {
        uint32_t owner = __atomic_load_n(&s->fd_owner[id], __ATOMIC_ACQUIRE);
        if (owner == kNoOwner) return;
        if (owner == kReclaiming) {  // another domain is at it
            exofs::region_yield();
            continue;
        }
        if (exofs::region_alive(owner)) return;
        if (!__atomic_compare_exchange_n(&s->fd_owner[id], &owner, kReclaiming, false, __ATOMIC_ACQUIRE,
                                         __ATOMIC_RELAXED)) {
            continue;
        }
        Files& dead = s->fd_tables[id];
        exofs::set_files(&dead);  // act as the dead domain
        for (int fd = 0; fd < exofs::kMaxFds; fd++) {
            if (dead.fd[fd] != 0) (void)close(fd);
        }
        exofs::set_files(nullptr);
        memset(&dead, 0, sizeof dead);  // what a failed close left: lost, not reused
        __atomic_store_n(&s->fd_owner[id], kNoOwner, __ATOMIC_RELEASE);
        return;
    }
}

}  // namespace

Result<void> give_files(uint64_t dom, const Files& f) {
    if (!exofs::attached()) return {};
    if (dom == 0 || dom >= exofs::kNameDomains) return Error::InvalidArgument;
    TRY(exits::expect(dom));
    reclaim(dom);
    exofs::Shared* s = exofs::shared();
    s->fd_tables[dom] = f;
    __atomic_store_n(&s->fd_owner[dom], exofs::region_self_of(dom), __ATOMIC_RELEASE);
    exofs::share_files(s->fd_tables[dom]);
    return {};
}

void take_back_files(uint64_t dom) {
    if (!exofs::attached() || dom == 0 || dom >= exofs::kNameDomains) return;
    exofs::Shared* s = exofs::shared();
    exofs::unshare_files(s->fd_tables[dom]);
    memset(&s->fd_tables[dom], 0, sizeof(Files));
    __atomic_store_n(&s->fd_owner[dom], kNoOwner, __ATOMIC_RELEASE);
    exits::forget(dom);
}

void reclaim_dead_files() {
    if (!exofs::attached()) return;
    for (uint64_t id = 1; id < exofs::kNameDomains; id++) reclaim(id);
}

}  // namespace io
