// exolab: lab 4
// user/bin/sendpage.cc: pages sent with IPC.
//
// Checks that a page sent with ipc_send appears at the receiver's ipc_recv
// address holding the sender's data, with the rights asked for: sent with
// PERM_W it is shared and writable (the parent sees the child's reply);
// sent without, the receiver's mapping is read-only and a write to it
// faults.  Before those, a page sent to a receiver that asked for none
// (va 0) must not arrive: no page in the message, nothing mapped at 0.
// The parent maps two fresh pages after fork, so that its own mappings
// are writable (not copy-on-write).
#include "lib/fork.h"
#include "lib/ipc.h"
#include "lib/libos.h"
#include "lib/upcall.h"
#include "lib/windows.h"
#include "lib/x86.h"

namespace {

constexpr uint64_t kShared = 0x10000000;    // the parent's pages
constexpr uint64_t kReadOnly = 0x10001000;
constexpr uint64_t kReceive = 0x20000000;   // where the child receives each

char* at(uint64_t va) { return reinterpret_cast<char*>(va); }

// Copies the string `text` to `va`.
void put(uint64_t va, const char* text) { memcpy(at(va), text, strlen(text) + 1); }

// The child's page-fault handler: the write to the read-only page.
void write_faulted(UArea& u) {
    printf("sendpage: write to %lx faulted (error %lx)\n", u.fault_address, u.fault_error);
    exit();
}

// Receives one page at kReceive and prints what it holds and how it came.
// Returns the sender.
uint64_t receive_and_print() {
    IpcMessage m;
    if (int64_t r = ipc_recv(kReceive, m); r < 0) panic("ipc_recv: %s", result_name(r));
    uint64_t pte = lookup_pte(kReceive);
    printf("sendpage: child got value %lu, page %s, perm %s, mapped %s: %s\n", m.value,
           (m.perm & kIpcPageSent) ? "sent" : "not sent", (m.perm & PERM_W) ? "W" : "-",
           (pte & kPteWritable) ? "writable" : "read-only", at(kReceive));
    return m.sender;
}

// Receives a message without asking for a page (va 0), though one is
// sent, and prints whether a page came anyway.
void receive_no_page() {
    IpcMessage m;
    if (int64_t r = ipc_recv(0, m); r < 0) panic("ipc_recv: %s", result_name(r));
    printf("sendpage: child got value %lu, asked for no page: page %s, %s at 0\n", m.value,
           (m.perm & kIpcPageSent) ? "sent" : "not sent", (lookup_pte(0) & kPtePresent) ? "a page" : "nothing");
}

// The receiving side: a message with no page asked for; then answers on
// the shared page, then writes to the read-only one, which must fault.
void child() {
    receive_no_page();
    uint64_t parent = receive_and_print();
    put(kReceive, "the child was here");
    if (int64_t r = ipc_send(parent, 1, 0, 0); r < 0) panic("ipc_send: %s", result_name(r));
    receive_and_print();
    set_fault_handler(14, write_faulted);
    store_to(kReceive, 0);
    printf("sendpage: the write to the read-only page did not fault\n");
}

// Maps a fresh page at `va` holding `text`.
void make_page(uint64_t va, const char* text) {
    int64_t pfn = sys_frame_alloc(0);
    if (pfn < 0 || sys_map(0, va, static_cast<uint64_t>(pfn), PERM_W) < 0) panic("cannot map %lx", va);
    put(va, text);
}

}  // namespace

int main() {
    int64_t kid = fork();
    if (kid < 0) panic("fork: %s", result_name(kid));
    if (kid == 0) {
        child();
        return 0;
    }
    uint64_t dom = static_cast<uint64_t>(kid);
    make_page(kShared, "hello through a shared page");
    make_page(kReadOnly, "hello through a read-only page");
    if (int64_t r = ipc_send(dom, 6, kShared, PERM_W); r < 0) panic("ipc_send: %s", result_name(r));
    if (int64_t r = ipc_send(dom, 7, kShared, PERM_W); r < 0) panic("ipc_send: %s", result_name(r));
    IpcMessage m;
    if (int64_t r = ipc_recv(0, m); r < 0) panic("ipc_recv: %s", result_name(r));
    printf("sendpage: parent reads %s\n", at(kShared));
    if (int64_t r = ipc_send(dom, 8, kReadOnly, 0); r < 0) panic("ipc_send: %s", result_name(r));
    wait(dom);
    printf("sendpage: parent still reads %s\n", at(kReadOnly));
    return 0;
}
