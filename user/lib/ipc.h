// exolab: lab 4
// user/lib/ipc.h: blocking IPC for programs, over the kernel's ipc_send and
// ipc_recv (DESIGN §3.2, §3.4).
//
// The kernel never queues: a message reaches a domain only while it waits
// in ipc_recv, and any other send fails at once with WouldBlock.  ipc_send
// below turns that into a blocking send by giving the CPU to the receiver
// until it waits, so that a sender never spins through whole slices.
#pragma once

#include <cstdint>

#include "abi/uarea.h"

// One message as ipc_recv delivered it.
struct IpcMessage {
    uint64_t value;   // the word sent
    uint64_t sender;  // the sending domain's id
    uint64_t perm;    // kIpcPageSent | the PERM_ bits the page was mapped with; 0: no page came
};

// Sends `value`, and the page at `va` if va != 0 (rights `perm`: PERM_W,
// PERM_SHARE, none beyond the caller's own mapping), to domain `dom`,
// waiting as long as dom is not in ipc_recv.  While it waits it yields to
// dom, so dom runs until it blocks; when the kernel refuses that yield (dom
// is not runnable, or neither an ancestor nor a descendant of the caller)
// it yields to the root scheduler instead.  Returns 0 once dom has the
// message, or -Error for any failure other than WouldBlock (syscalls.def:
// ipc_send); it waits forever for a dom that never receives.
int64_t ipc_send(uint64_t dom, uint64_t value, uint64_t va, uint64_t perm);

// Waits for a message and returns it in `msg`.  A page sent with it is
// mapped at `va` (page-aligned user address; 0 accepts none).  Meanwhile
// domain `then` runs if it can (an ancestor or descendant, Runnable: the
// one just sent a request, whose reply is awaited), else the root
// scheduler chooses (then = 0 always leaves it to the root scheduler).
// Returns 0, or -Error for a bad va or `then` (syscalls.def: ipc_recv;
// msg unchanged then).
int64_t ipc_recv(uint64_t va, IpcMessage& msg, uint64_t then = 0);
