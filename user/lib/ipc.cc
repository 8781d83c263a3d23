// exolab: lab 4
// user/lib/ipc.cc: blocking send and receive (see ipc.h).
#include "lib/ipc.h"

#include "abi/domain.h"
#include "abi/error.h"
#include "lib/syscall.h"
#include "lib/upcall.h"

int64_t ipc_send(uint64_t dom, uint64_t value, uint64_t va, uint64_t perm) {
#if SOL >= 4
    constexpr int64_t kWouldBlock = -static_cast<int64_t>(Error::WouldBlock);
    for (;;) {
        int64_t r = sys_ipc_send(dom, value, va, perm);
        if (r != kWouldBlock) return r;
        if (sys_yield(dom) < 0) (void)sys_yield(YIELD_ANY);
    }
#else
    // LAB 4: Exercise 9 (part 3). ipc.h's blocking send, over a kernel
    // that only ever says WouldBlock.  Threat: a sender that waits by
    // spinning burns whole slices (its own and, under the root scheduler,
    // everyone's) while the receiver it waits for cannot get to ipc_recv.
    (void)dom, (void)value, (void)va, (void)perm;
    return -static_cast<int64_t>(Error::NotImplemented);
#endif
}

int64_t ipc_recv(uint64_t va, IpcMessage& msg, uint64_t then) {
#if SOL >= 4
    int64_t r = sys_ipc_recv(va, then);
    if (r < 0) return r;
    // Nothing else writes these until this domain waits again.
    const UArea& u = *uarea();
    msg = IpcMessage{u.ipc_value, u.ipc_sender, u.ipc_perm};
    return 0;
#else
    // LAB 4: Exercise 9 (part 4). ipc.h's receive, over the kernel's.
    (void)va, (void)msg, (void)then;
    return -static_cast<int64_t>(Error::NotImplemented);
#endif
}
