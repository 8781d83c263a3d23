// exolab: lab 5
// user/bin/fscrash.cc: power failures at random moments (DESIGN §3.5).
//
// The harness writes "seed=<s> cuts=<k>" into sector 0 of a fresh image
// (block 0 is no part of exofs).  For each of k cycles the program cuts the
// power after a random number of sectors (disk::cut_power_after) and runs a
// write-heavy workload in its own directory /c<cycle>: creates, writes,
// appends, renames, unlinks, a sync every two rounds.  Once the power is
// gone the disk takes no more writes; the program then forgets everything
// in memory, as a reboot would (the shared region, its fds), turns the
// power back on, mounts (which replays the journal) and checks that the
// directory is exactly what the workload had made after some operation no
// earlier than the last sync that finished with the power on: every
// operation is atomic, and synced ones are durable.  It prints one line
// per cycle and removes the directory; the harness then runs tools/fsck on
// the image, which must also find no block or inode leaked.
#include "lib/fs/disk.h"
#include "lib/fs/fd.h"
#include "lib/fs/fs.h"
#include "lib/fs/region.h"
#include "lib/fs/shared.h"
#include "lib/libos.h"

namespace {

using namespace exofs;

constexpr int kRounds = 24;
constexpr uint64_t kLogRecord = 32;

enum class OpKind { Create, Write, Rename, Unlink, Append };
struct Op {
    OpKind kind;
    int file;  // the round that made the file (not for Append)
};

Op ops[kRounds * 5];
int nops = 0;

uint64_t size_of(int file) { return 1000 + uint64_t(file) * 7919 % 20000; }
uint8_t byte_of(int cycle, int file, uint64_t i) { return static_cast<uint8_t>((cycle * 131 + file * 31 + i) % 251); }

// The workload's operations, in order: round r makes file r (create,
// write), renames file r-1 to g<r-1> when r % 3 == 0, unlinks file r-2
// when r % 4 == 1, and appends a record to the log.
void plan() {
    for (int r = 0; r < kRounds; r++) {
        ops[nops++] = {OpKind::Create, r};
        ops[nops++] = {OpKind::Write, r};
        if (r >= 1 && r % 3 == 0) ops[nops++] = {OpKind::Rename, r - 1};
        if (r >= 2 && r % 4 == 1) ops[nops++] = {OpKind::Unlink, r - 2};
        ops[nops++] = {OpKind::Append, r};
    }
}

// The state after the first `done` operations: per file, 0 absent, 1 an
// empty f<x>, 2 a full f<x>, 3 a full g<x>; and the log's records.
struct Model {
    uint8_t file[kRounds];
    int records;
};

Model model_after(int done) {
    Model m = {};
    for (int i = 0; i < done; i++) {
        const Op& op = ops[i];
        switch (op.kind) {
        case OpKind::Create: m.file[op.file] = 1; break;
        case OpKind::Write: m.file[op.file] = 2; break;
        case OpKind::Rename: m.file[op.file] = 3; break;
        case OpKind::Unlink: m.file[op.file] = 0; break;
        case OpKind::Append: m.records++; break;
        }
    }
    return m;
}

void path_of(char* out, int cycle, const char* name, int file) { snprintf(out, 40, "/c%d/%s%d", cycle, name, file); }

// Makes the cycle's directory and its log, on the disk before any cut.
int prepare(int cycle) {
    char path[40];
    snprintf(path, sizeof(path), "/c%d", cycle);
    MUST(mkdir(path));
    snprintf(path, sizeof(path), "/c%d/log", cycle);
    int log = MUST(open(path, kCreate | kWrite | kAppend));
    MUST(sync());
    return log;
}

// Runs operations until all are done or the power fails; returns how many
// operations are surely on the disk (those before the last sync that
// finished with the power on).
int run(int cycle, int log) {
    char path[40], other[40];
    int durable = 0;
    static uint8_t data[21000];
    for (int i = 0; i < nops; i++) {
        const Op& op = ops[i];
        path_of(path, cycle, "f", op.file);
        switch (op.kind) {
        case OpKind::Create: MUST(close(MUST(open(path, kCreate | kWrite)))); break;
        case OpKind::Write: {
            int fd = MUST(open(path, kWrite));
            for (uint64_t b = 0; b < size_of(op.file); b++) data[b] = byte_of(cycle, op.file, b);
            MUST(write(fd, data, size_of(op.file)));
            MUST(close(fd));
            break;
        }
        case OpKind::Rename:
            path_of(other, cycle, "g", op.file);
            MUST(rename(path, other));
            break;
        case OpKind::Unlink:
            if (op.file % 3 == 2) path_of(path, cycle, "g", op.file);  // renamed a round later
            MUST(unlink(path));
            break;
        case OpKind::Append: {
            char record[kLogRecord + 1];
            snprintf(record, sizeof(record), "round %04d .....................\n", op.file);
            MUST(write(log, record, kLogRecord));
            if (op.file % 2 == 1) {
                MUST(sync());
                if (disk::powered()) durable = i + 1;
            }
            break;
        }
        }
        if (!disk::powered()) return durable;
    }
    MUST(close(log));
    MUST(sync());
    return disk::powered() ? nops : durable;
}

// Whether file x of the cycle is on the disk as state s (model's codes).
bool file_is(int cycle, int x, uint8_t s) {
    char path[40];
    path_of(path, cycle, s == 3 ? "g" : "f", x);
    Result<Stat> st = stat(path);
    char renamed[40];
    path_of(renamed, cycle, s == 3 ? "f" : "g", x);
    if (stat(renamed).ok()) return false;  // a second name
    if (s == 0) return !st.ok();
    if (!st.ok() || st.value().size != (s == 1 ? 0 : size_of(x))) return false;
    if (s == 1) return true;
    static uint8_t back[21000];
    int fd = MUST(open(path, kRead));
    bool same = MUST(read(fd, back, sizeof(back))) == size_of(x);
    for (uint64_t i = 0; same && i < size_of(x); i++) same = back[i] == byte_of(cycle, x, i);
    MUST(close(fd));
    return same;
}

// Whether the cycle's directory is the state after `done` operations.
bool matches(int cycle, int done) {
    Model m = model_after(done);
    for (int x = 0; x < kRounds; x++) {
        if (!file_is(cycle, x, m.file[x])) return false;
    }
    char path[40];
    snprintf(path, sizeof(path), "/c%d/log", cycle);
    return MUST(stat(path)).size == uint64_t(m.records) * kLogRecord;
}

// Removes the cycle's directory and all in it, so that the disk never
// fills however many cycles run.
void clean_up(int cycle) {
    char path[40];
    snprintf(path, sizeof(path), "/c%d", cycle);
    int dir = MUST(open(path, kRead));
    DirEntry e;
    while (MUST(readdir(dir, &e))) {
        if (strcmp(e.name, ".") == 0 || strcmp(e.name, "..") == 0) continue;
        char file[80];
        snprintf(file, sizeof(file), "/c%d/%s", cycle, e.name);
        MUST(unlink(file));
    }
    MUST(close(dir));
    MUST(rmdir(path));
    MUST(sync());
}

// What a reboot does to memory: the shared region and this domain's fds
// are gone.
void forget_memory() {
    memset(reinterpret_cast<void*>(kFsRegion), 0, kRegionPages * kBlockSize);
    *files() = Files{};
}

uint64_t next_random(uint64_t& state) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return state >> 33;
}

}  // namespace

int main() {
    MUST(disk::claim_ports());
    static char sector[kSectorSize];
    MUST(disk::read(0, 1, sector));
    uint64_t seed = 0, cuts = 0;
    const char* s = sector;
    if (strncmp(s, "seed=", 5) != 0) panic("sector 0 holds no \"seed=<s> cuts=<k>\"");
    for (s += 5; *s >= '0' && *s <= '9'; s++) seed = seed * 10 + uint64_t(*s - '0');
    if (strncmp(s, " cuts=", 6) != 0) panic("sector 0 holds no \"seed=<s> cuts=<k>\"");
    for (s += 6; *s >= '0' && *s <= '9'; s++) cuts = cuts * 10 + uint64_t(*s - '0');
    plan();
    MUST(mount());
    uint64_t random = seed;
    for (int cycle = 0; cycle < int(cuts); cycle++) {
        uint64_t cut = 1 + next_random(random) % 2000;  // the workload writes about 2,000
        int log = prepare(cycle);
        disk::cut_power_after(cut);
        int durable = run(cycle, log);
        bool crashed = !disk::powered();
        forget_memory();
        disk::cut_power_after(~uint64_t{0});
        MUST(mount());
        int state = -1;
        for (int done = nops; done >= durable && state < 0; done--) {
            if (matches(cycle, done)) state = done;
        }
        if (state < 0) {
            printf("fscrash: cycle %d, cut after %lu sectors: the disk matches no state from operation %d on\n",
                   cycle, cut, durable);
        } else {
            printf("fscrash: cycle %d, cut after %lu sectors%s: intact\n", cycle, cut,
                   crashed ? "" : " (after the workload)");
        }
        clean_up(cycle);
    }
    MUST(sync());
    printf("fscrash: done\n");
    return 0;
}
