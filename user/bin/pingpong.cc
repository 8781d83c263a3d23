// exolab: lab 4
// user/bin/pingpong.cc: a counter passed back and forth over IPC.
//
// Checks that ipc_send reaches a domain blocked in ipc_recv, that the
// receiver learns the value and the sender's id, and that the blocking
// send (lib/ipc.h) waits for a receiver that is not yet receiving: the
// parent forks a child and sends it 0 at once; each side prints what it
// received and sends back one more, until 10.  Once a side has sent, it
// waits with ipc_recv(then = the other side), so the CPU goes straight to
// the domain that must answer.
#include "lib/fork.h"
#include "lib/ipc.h"
#include "lib/libos.h"

namespace {

constexpr uint64_t kLast = 10;

// Receives counters from whoever sends, printing each with its sender, and
// answers with counter + 1 until the counter reaches kLast.
void play() {
    uint64_t partner = 0;  // the side that must answer; 0 before the first send
    for (;;) {
        IpcMessage m;
        if (int64_t r = ipc_recv(0, m, partner); r < 0) panic("ipc_recv: %s", result_name(r));
        partner = m.sender;
        printf("pingpong: %ld got %lu from %lu\n", sys_self(), m.value, m.sender);
        if (m.value >= kLast) return;
        if (int64_t r = ipc_send(m.sender, m.value + 1, 0, 0); r < 0) panic("ipc_send: %s", result_name(r));
        if (m.value + 1 >= kLast) return;
    }
}

}  // namespace

int main() {
    int64_t child = fork();
    if (child < 0) panic("fork: %s", result_name(child));
    if (child == 0) {
        play();
        return 0;
    }
    printf("pingpong: %ld sends 0 to %ld\n", sys_self(), child);
    if (int64_t r = ipc_send(static_cast<uint64_t>(child), 0, 0, 0); r < 0) panic("ipc_send: %s", result_name(r));
    play();
    wait(static_cast<uint64_t>(child));
    return 0;
}
