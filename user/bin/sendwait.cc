// exolab: lab 4
// user/bin/sendwait.cc: the blocking ipc_send waits by giving the CPU
// away, never by spinning (lib/ipc.h).
//
// init forks a receiver and sends it 20 words, one after another; each
// send after the first finds the receiver Runnable, just woken by the one
// before and not yet back in ipc_recv, so the kernel says WouldBlock and
// the library must wait.  A library that yields to the receiver lets it
// run to its next ipc_recv at once, and the send succeeds long before the
// next timer tick (a slice here is millions of instructions, a round a
// few thousand); one that spins on WouldBlock keeps the CPU until the
// tick preempts it, once a send.  init counts its own preemptions over
// the sends from the exported domain table.
#include "abi/domain.h"
#include "lib/fork.h"
#include "lib/ipc.h"
#include "lib/libos.h"
#include "lib/windows.h"

namespace {

constexpr uint64_t kMessages = 20;

// The receiver: takes kMessages words and prints their sum.
void receive_all() {
    uint64_t sum = 0;
    for (uint64_t i = 0; i < kMessages; i++) {
        IpcMessage m;
        if (int64_t r = ipc_recv(0, m); r < 0) panic("ipc_recv: %s", result_name(r));
        sum += m.value;
    }
    printf("sendwait: the receiver got %lu words, sum %lu\n", kMessages, sum);
}

}  // namespace

int main() {
    int64_t child = fork();
    if (child < 0) panic("fork: %s", result_name(child));
    if (child == 0) {
        receive_all();
        return 0;
    }
    uint64_t receiver = static_cast<uint64_t>(child);
    uint64_t self = static_cast<uint64_t>(sys_self());
    uint64_t busy = 0;  // sends that found the receiver not yet waiting
    uint64_t preempted = domain_table()[self].preempted;
    for (uint64_t i = 1; i <= kMessages; i++) {
        if (domain_table()[receiver].state != DomainState::Blocked) busy++;
        if (int64_t r = ipc_send(receiver, i, 0, 0); r < 0) panic("ipc_send: %s", result_name(r));
    }
    preempted = domain_table()[self].preempted - preempted;
    printf("sendwait: %lu sends, %lu to a receiver not yet waiting; the sender was preempted %lu times\n", kMessages,
           busy, preempted);
    wait(receiver);
    return 0;
}
