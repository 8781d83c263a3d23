// exolab: lab 5
// user/bin/fsdead.cc: the region's lock when the domain holding it dies
// (Exercise 7).
//
// init mounts, writes /before and syncs, and forks a child that waits for
// its word.  A second child takes the lock and does half an operation: it
// allocates a block (the bitmap's block dirty) and changes the root
// directory's inode in the cache without marking it dirty; then it tells
// init, which kills it.  On init's word the first child reads /before,
// creates and writes /after and syncs.  Before that word, init makes a
// domain that never runs and takes the dead child's id (a lock holder
// known by its id alone would seem alive again).  init gives the first
// child a bounded number of
// turns (a lock nobody recovers would hold it for ever), then reads /after
// itself.
//
// Then a holder dies past its commit point: a third child writes
// /committed, takes the lock and commits with the power cut after the log
// and the commit record (the disk then holds the record, the homes do
// not, as if the child had died there), and is killed.  A fourth child,
// waiting for the lock, must find /committed written: the transaction was
// committed, so the disk as the journal leaves it holds it.  That child
// commits a transaction of its own (a new record), and init, mounting
// again, reads /committed from the disk.  tools/fsck
// checks the disk afterwards: nothing of the first dead child's half
// operation may reach it.
#include "abi/domain.h"
#include "lib/fork.h"
#include "lib/fs/cache.h"
#include "lib/fs/disk.h"
#include "lib/fs/fs.h"
#include "lib/fs/inode.h"
#include "lib/fs/journal.h"
#include "lib/fs/shared.h"
#include "lib/ipc.h"
#include "lib/libos.h"
#include "lib/windows.h"

namespace {

using namespace exofs;

constexpr int kPatienceTurns = 200;

// Reads all of `path` (at most size - 1 bytes) into text.
void read_file(const char* path, char* text, uint64_t size) {
    int fd = MUST(open(path, kRead));
    uint64_t n = MUST(read(fd, text, size - 1));
    text[n] = '\0';
    MUST(close(fd));
}

// The child that dies holding the lock, half-way through an operation.
[[noreturn]] void die_holding_the_lock(uint64_t parent) {
    cache::lock();
    (void)MUST(block_alloc(true));
    Inode* root = MUST(inode_get(kRootInode));
    root->nlink = 99;  // changed, never marked dirty
    root->size += 4096;
    while (ipc_send(parent, 1, 0, 0) < 0) (void)sys_yield(parent);
    for (;;) (void)sys_yield(parent);
}

// The child that dies holding the lock after its commit point: the record
// of its transaction is on the disk, none of the transaction's homes.
[[noreturn]] void die_after_the_commit_point(uint64_t parent) {
    int fd = MUST(open("/committed", kCreate | kWrite));
    MUST(write(fd, "committed by the dead", 21));
    MUST(close(fd));
    cache::lock();
    Shared* s = shared();
    disk::cut_power_after(uint64_t(s->txn_count) * kSectorsPerBlock + 1);
    MUST(journal::commit());
    disk::cut_power_after(~uint64_t{0});
    CommitRecord record;
    MUST(disk::read(uint64_t(s->sb.log_start) * kSectorsPerBlock, 1, &record));
    printf("fsdead: a child dies past its commit point, its record on the disk: %s\n",
           record.magic == kLogMagic && record.count != 0 ? "yes" : "no");
    while (ipc_send(parent, 1, 0, 0) < 0) (void)sys_yield(parent);
    for (;;) (void)sys_yield(parent);
}

// The child that needs the lock after the second death: reads /committed,
// then commits a transaction of its own.
void read_what_the_dead_committed() {
    IpcMessage go;
    (void)ipc_recv(0, go);
    Result<int> opened = open("/committed", kRead);
    if (!opened.ok()) {
        printf("fsdead: another child opens /committed: %s\n", error_name(opened.error()));
        return;
    }
    int fd = opened.value();
    char text[64];
    uint64_t n = MUST(read(fd, text, sizeof text - 1));
    text[n] = '\0';
    MUST(close(fd));
    printf("fsdead: another child reads /committed: \"%s\"\n", text);
    fd = MUST(open("/later", kCreate | kWrite));
    MUST(write(fd, "written later", 13));
    MUST(close(fd));
    MUST(sync());
    printf("fsdead: and writes /later and syncs\n");
}

// Waits (a bounded number of turns) for domain `other` to end; if it does
// not, nobody recovered the lock: ends every domain here, without exit's
// closing of files (which would wait for the lock too).
void wait_or_give_up(uint64_t other) {
    int turns = 0;
    while (domain_table()[other].state != DomainState::Free && turns++ < kPatienceTurns) (void)sys_yield(other);
    if (domain_table()[other].state != DomainState::Free) {
        printf("fsdead: the other child never got the lock (%d turns)\n", kPatienceTurns);
        (void)sys_domain_destroy(other);
        (void)sys_domain_destroy(0);
    }
}

// The child that needs the lock after the death: made before it (fork
// itself takes the lock), it waits for init's word.
void use_the_file_system() {
    IpcMessage go;
    (void)ipc_recv(0, go);
    char text[64];
    read_file("/before", text, sizeof text);
    printf("fsdead: another child reads /before: \"%s\"\n", text);
    int fd = MUST(open("/after", kCreate | kWrite));
    MUST(write(fd, "written after", 13));
    MUST(close(fd));
    MUST(sync());
    printf("fsdead: and writes /after and syncs\n");
}

}  // namespace

// Forks a child that runs body(parent) and then exits; returns its id.
uint64_t fork_child(void (*body)(uint64_t parent), uint64_t parent) {
    int64_t child = fork();
    if (child < 0) panic("fork: %s", result_name(child));
    if (child == 0) {
        body(parent);
        exit();
    }
    return static_cast<uint64_t>(child);
}

int main() {
    MUST(disk::claim_ports());
    MUST(mount());
    int fd = MUST(open("/before", kCreate | kWrite));
    MUST(write(fd, "synced before", 13));
    MUST(close(fd));
    MUST(sync());

    uint64_t self = static_cast<uint64_t>(sys_self());
    uint64_t other = fork_child([](uint64_t) { use_the_file_system(); }, self);
    uint64_t holder = fork_child(die_holding_the_lock, self);
    IpcMessage msg;
    (void)ipc_recv(0, msg);
    printf("fsdead: a child holds the lock, half an operation done\n");
    int64_t killed = sys_domain_destroy(holder);
    printf("fsdead: killed it: %s\n", result_name(killed));
    int64_t squatter = sys_domain_create();
    if (squatter == 0) exit();  // never made runnable
    printf("fsdead: a new domain takes its id: %s\n", squatter == static_cast<int64_t>(holder) ? "yes" : "no");

    while (ipc_send(other, 1, 0, 0) < 0) (void)sys_yield(other);
    wait_or_give_up(other);
    if (squatter > 0) (void)sys_domain_destroy(static_cast<uint64_t>(squatter));
    char text[64];
    read_file("/after", text, sizeof text);
    printf("fsdead: init reads /after: \"%s\"\n", text);

    other = fork_child([](uint64_t) { read_what_the_dead_committed(); }, self);
    uint64_t committer = fork_child(die_after_the_commit_point, self);
    (void)ipc_recv(0, msg);
    printf("fsdead: killed it: %s\n", result_name(sys_domain_destroy(committer)));
    while (ipc_send(other, 1, 0, 0) < 0) (void)sys_yield(other);
    wait_or_give_up(other);
    // What the cache holds may differ from the disk; read the disk.
    MUST(unmount());
    MUST(mount());
    read_file("/committed", text, sizeof text);
    printf("fsdead: init reads /committed: \"%s\"\n", text);
    return 0;
}
