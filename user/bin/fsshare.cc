// exolab: lab 5
// user/bin/fsshare.cc: one buffer cache for every domain (DESIGN §3.5).
//
// init mounts and opens a file, then forks.  The child writes through the
// inherited fd, and init sees the bytes at once through a fresh open (no
// sync: the cache is shared) and finds its own fd's offset moved (the
// open file is shared).  Then both domains append kRecords records each to
// one log, at once, preempted by the clock (run it with hz=5000, as its test does): the
// region's lock must keep every record whole.  init checks the log and
// syncs; tools/fsck checks the disk.
#include "lib/fork.h"
#include "lib/fs/disk.h"
#include "lib/fs/fs.h"
#include "lib/libos.h"

namespace {

using namespace exofs;

constexpr int kRecords = 300;
constexpr uint64_t kRecordSize = 24;

// Appends kRecords records "<who> <n>", each padded to kRecordSize bytes.
void append_records(char who) {
    int fd = MUST(open("/log", kWrite | kAppend));
    for (int n = 0; n < kRecords; n++) {
        char record[kRecordSize + 1];
        snprintf(record, sizeof(record), "%c %04d ......................", who, n);
        record[kRecordSize - 1] = '\n';
        MUST(write(fd, record, kRecordSize));
        for (int spin = 0; spin < 20000; spin++) asm volatile("" ::: "memory");  // time for a preemption
    }
    MUST(close(fd));
}

// Whether every record of the log is whole, and each writer's are in order;
// `changes` counts where one writer's records follow the other's.
bool log_intact(int& changes) {
    int fd = MUST(open("/log", kRead));
    int next[2] = {0, 0}, last = -1;
    changes = 0;
    char record[kRecordSize];
    uint64_t n;
    while ((n = MUST(read(fd, record, kRecordSize))) == kRecordSize) {
        int who = record[0] == 'p' ? 0 : record[0] == 'c' ? 1 : -1;
        int number = (record[2] - '0') * 1000 + (record[3] - '0') * 100 + (record[4] - '0') * 10 + (record[5] - '0');
        if (who < 0 || number != next[who] || record[kRecordSize - 1] != '\n') return false;
        next[who]++;
        changes += last >= 0 && who != last;
        last = who;
    }
    MUST(close(fd));
    return n == 0 && next[0] == kRecords && next[1] == kRecords;
}

}  // namespace

int main() {
    MUST(disk::claim_ports());
    MUST(mount());
    int fd = MUST(open("/shared", kCreate | kRead | kWrite));
    MUST(close(MUST(open("/log", kCreate | kWrite))));
    int64_t child = fork();
    if (child < 0) panic("fork: %s", result_name(child));
    if (child == 0) {
        MUST(write(fd, "written by the child", 20));
        append_records('c');
        return 0;
    }
    while (MUST(fstat(fd)).size == 0) (void)sys_yield(static_cast<uint64_t>(child));
    char text[32] = {};
    int fresh = MUST(open("/shared", kRead));
    MUST(read(fresh, text, sizeof(text) - 1));
    printf("fsshare: init reads \"%s\"\n", text);
    printf("fsshare: init's offset after the child's write: %lu\n", MUST(seek(fd, 0, Whence::Cur)));
    append_records('p');
    (void)wait(static_cast<uint64_t>(child));
    int changes = 0;
    bool intact = log_intact(changes);
    printf("fsshare: log of %d records from each domain: %s\n", kRecords, intact ? "intact" : "torn");
    printf("fsshare: the writers took turns %s (%d)\n", changes >= 4 ? "several times" : "fewer than 4 times", changes);
    MUST(sync());
    return 0;
}
