// exolab: lab 5
// tools/fs-host/process_test.cc: two host processes, fork()ed as a domain
// forks, run operations at the same time over one region (shared memory:
// one cache, one journal, one open-file table, one lock) and one disk.
#include <sched.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include "lib/fs/cache.h"
#include "lib/fs/inode.h"
#include "testing.h"

using namespace exofs;

namespace {

constexpr int kRounds = 150;
constexpr uint64_t kRecord = 5000;  // more than a block: a torn append would show

// One process's share of the work: appends records to the shared fd, and
// creates, rewrites and removes files and directories of its own.  Both
// start together (`ready`, shared) and yield now and then, so that their
// operations interleave even on one core.
// Forks this process, stdio flushed first (else the child prints the
// parent's buffered lines again); a failed fork ends the test run.
pid_t fork_process() {
    fflush(stdout);
    fflush(stderr);
    pid_t child = ::fork();
    if (child < 0) {
        perror("fork");
        exit(1);
    }
    return child;
}

void worker(int me, int log, volatile int* ready) {
    char letter = static_cast<char>('a' + me);
    std::string dir = "/p" + std::to_string(me) + "/";
    __atomic_add_fetch(ready, 1, __ATOMIC_SEQ_CST);
    while (*ready < 2) sched_yield();
    for (int r = 0; r < kRounds; r++) {
        if (r % 2 == me) sched_yield();
        std::string record(kRecord, letter);
        snprintf(&record[0], 7, "%06d", r);
        record[6] = letter;
        CHECK(OK(exofs::write(log, record.data(), record.size())) == kRecord);
        std::string path = dir + "f" + std::to_string(r);
        spit(path.c_str(), path + std::string(r * 37, letter));
        if (r % 3 == 2) OK(exofs::unlink((dir + "f" + std::to_string(r - 1)).c_str()));
        if (r % 5 == 0) {
            std::string sub = dir + "d" + std::to_string(r);
            OK(exofs::mkdir(sub.c_str()));
            if (r % 10 == 0) OK(exofs::rmdir(sub.c_str()));
        }
        if (r % 25 == 0) OK(exofs::sync());
    }
    for (int r = 0; r < kRounds; r++) {
        std::string path = dir + "f" + std::to_string(r);
        Result<Stat> st = exofs::stat(path.c_str());
        CHECK(st.ok() == (r % 3 != 1));
        if (st.ok()) CHECK(slurp(path.c_str()) == path + std::string(r * 37, letter));
    }
}

}  // namespace

void test_processes() {
    fresh_volume("procs.img", 2048, 512, 64);
    OK(exofs::mkdir("/p0"));
    OK(exofs::mkdir("/p1"));
    int log = OK(exofs::open("/log", kRead | kWrite | kCreate | kAppend));
    share_files(*files());  // the child inherits log
    void* page = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(page != MAP_FAILED);
    auto* ready = static_cast<volatile int*>(page);
    pid_t child = fork_process();
    worker(child == 0 ? 1 : 0, log, ready);
    OK(exofs::close(log));
    if (child == 0) _exit(failures == 0 ? 0 : 1);
    int status = 0;
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    munmap(page, 4096);
    // Every record whole, each process's in order.
    std::string all = slurp("/log");
    CHECK(all.size() == 2 * kRounds * kRecord);
    int next[2] = {0, 0}, turns = 0;
    for (uint64_t at = 0; at + kRecord <= all.size(); at += kRecord) {
        char letter = all[at + 6];
        int who = letter - 'a';
        if (who != 0 && who != 1) {
            CHECK(!"a record of neither process");
            break;
        }
        if (at != 0 && all[at + 6] != all[at + 6 - kRecord]) turns++;
        CHECK(atoi(all.substr(at, 6).c_str()) == next[who]);
        next[who]++;
        CHECK(all.find_first_not_of(letter, at + 6) >= at + kRecord);
    }
    CHECK(next[0] == kRounds && next[1] == kRounds);
    printf("processes: the shared log changes hands %d times in %d records\n", turns, 2 * kRounds);
    checked("two processes");
}

// A process that dies holding the lock, half-way through an operation (a
// block allocated, the root's inode changed but not marked dirty): the
// next lock takes it over and undoes the half operation, so the volume
// stays consistent once another operation commits.
void test_dead_holder() {
    fresh_volume("dead.img", 2048, 512, 64);
    spit("/before", "synced before");
    OK(exofs::sync());
    pid_t child = fork_process();
    if (child == 0) {
        cache::lock();
        (void)block_alloc(true);
        Result<Inode*> root = inode_get(kRootInode);
        if (root.ok()) root.value()->nlink = 99;
        _exit(0);
    }
    int status = 0;
    CHECK(waitpid(child, &status, 0) == child);
    CHECK(slurp("/before") == "synced before");
    spit("/after", "written after");
    OK(exofs::sync());
    CHECK(slurp("/after") == "written after");
    checked("a dead lock holder");
}
