// exolab: lab 5
// user/bin/fdunit.cc: unit checks of fd sharing (Exercise 9): io::close,
// io::dup2, a pipe that fails for want of fds, and the counts fork and spawn keep through share_files and
// unshare_files, also while another domain holds the lock and changes the
// same counts.  Run as init on an empty exofs; reads the open-file
// table's refs directly (the region is this domain's memory too).
//
// Prints "fdunit: <check>: ok" for each check, or the first thing found
// wrong, then syncs (tools/fsck then checks that the unlinked file was
// freed with its last fd).
#include "lib/fork.h"
#include "lib/fs/cache.h"
#include "lib/fs/disk.h"
#include "lib/fs/fd.h"
#include "lib/fs/fs.h"
#include "lib/io.h"
#include "lib/libos.h"
#include "lib/pipe.h"
#include "lib/spawn.h"
#include "lib/unitcheck.h"
#include "lib/windows.h"

namespace {

// A PERM_SHARE page: the flag that lets the children of `fork_until_full`
// end (fork keeps it shared).
constexpr uint64_t kFlagPage = 0x0000600000000000;
volatile uint64_t* const release_flag = reinterpret_cast<volatile uint64_t*>(kFlagPage);


// The refs of the open file fd names (0 if fd is closed).
uint32_t refs_of(int fd) {
    uint16_t entry = exofs::files()->fd[fd];
    return entry == 0 ? 0 : exofs::shared()->files[entry - 1].refs;
}

// Open fds of this domain.
int open_fds() {
    int n = 0;
    for (int fd = 0; fd < exofs::kMaxFds; fd++) n += exofs::files()->fd[fd] != 0;
    return n;
}

// Pipes in use, machine-wide.
int pipes_in_use() {
    int n = 0;
    for (uint32_t i = 0; i < exofs::kPipes; i++) n += exofs::shared()->pipes[i].used != 0;
    return n;
}

// Opens path for reading and writing, created empty.
int open_fresh(const char* path) {
    return MUST(exofs::open(path, exofs::kRead | exofs::kWrite | exofs::kCreate | exofs::kTruncate));
}

// Whether the file fd names reads `text` from offset 0.
bool holds(int fd, const char* text) {
    char got[64] = {};
    Result<uint64_t> n = exofs::pread(fd, got, sizeof got - 1, 0);
    return n && n.value() == strlen(text) && strcmp(got, text) == 0;
}

// Open files machine-wide (an fd names each somewhere).
int open_files() {
    int n = 0;
    for (uint32_t i = 0; i < exofs::kOpenFiles; i++) n += exofs::shared()->files[i].refs != 0;
    return n;
}

// A pipe with one fd free fails (it needs two) and leaves nothing behind:
// not the read end's fd, not its open file, not the ring.
bool check_failed_pipe() {
    int file = open_fresh("/filler");
    int copies[exofs::kMaxFds];
    int made = 0;
    while (open_fds() < exofs::kMaxFds - 1) copies[made++] = MUST(io::dup(file));
    int fds_before = open_fds(), files_before = open_files(), pipes_before = pipes_in_use();
    int ends[2] = {-1, -1};
    if (io::pipe(ends)) return fail("pipe succeeded with one fd free");
    if (open_fds() != fds_before) return fail("a failed pipe left an fd open");
    if (open_files() != files_before) return fail("a failed pipe left an open file counted");
    if (pipes_in_use() != pipes_before) return fail("a failed pipe left its ring in use");
    for (int i = 0; i < made; i++) MUST(io::close(copies[i]));
    MUST(io::close(file));
    if (!io::pipe(ends)) return fail("pipe failed once fds were free again");
    MUST(io::close(ends[0]));
    MUST(io::close(ends[1]));
    return true;
}

bool check_dup2_onto_itself() {
    int fd = open_fresh("/self");
    MUST(exofs::write(fd, "abc", 3));
    Result<int> r = io::dup2(fd, fd);
    if (!r || r.value() != fd) return fail("dup2(fd, fd) did not return fd");
    if (refs_of(fd) != 1) return fail("dup2(fd, fd) changed the refs");
    if (!io::write(fd, "def", 3)) return fail("fd no longer open after dup2(fd, fd)");
    if (!holds(fd, "abcdef")) return fail("the file does not read abcdef");
    MUST(io::close(fd));
    return true;
}

bool check_dup2_refusals() {
    int fd = open_fresh("/a");
    int other = open_fresh("/b");
    int fds_before = open_fds();
    if (io::dup2(exofs::kMaxFds - 1, other)) return fail("dup2 of a closed fd succeeded");
    if (refs_of(other) != 1) return fail("dup2 of a closed fd closed its target");
    if (io::dup2(1000, other) || io::dup2(-1, other)) return fail("dup2 of an fd out of range succeeded");
    if (refs_of(other) != 1) return fail("dup2 of an fd out of range closed its target");
    if (io::dup2(fd, exofs::kMaxFds) || io::dup2(fd, -1)) return fail("dup2 to an fd out of range succeeded");
    if (open_fds() != fds_before || refs_of(fd) != 1) return fail("a refused dup2 changed the fds");
    Result<int> copy = io::dup2(fd, other);
    if (!copy || copy.value() != other || refs_of(fd) != 2) return fail("dup2 onto an open fd");
    MUST(io::write(other, "shared", 6));
    if (!holds(fd, "shared") || MUST(exofs::seek(fd, 0, exofs::Whence::Cur)) != 6) {
        return fail("a dup2 copy does not share the open file and its offset");
    }
    MUST(io::close(other));
    if (refs_of(fd) != 1) return fail("closing the copy left the refs wrong");
    MUST(io::close(fd));
    return true;
}

bool check_close_last_reference() {
    int used_before = pipes_in_use();
    for (uint32_t round = 0; round < exofs::kPipes + 8; round++) {
        int ends[2];
        if (!io::pipe(ends)) return fail("pipe failed: closed pipes are not freed");
        MUST(io::close(ends[0]));
        MUST(io::close(ends[1]));
    }
    int ends[2];
    MUST(io::pipe(ends));
    int reader_copy = MUST(io::dup(ends[0]));
    MUST(io::close(ends[0]));
    MUST(io::close(ends[1]));
    if (pipes_in_use() != used_before + 1) return fail("a pipe was freed while a copy of its read end was open");
    MUST(io::close(reader_copy));
    if (pipes_in_use() != used_before) return fail("a pipe's last close did not free it");
    // dup2 onto a pipe's end closes that end like close.
    int file = open_fresh("/over");
    MUST(io::pipe(ends));
    MUST(io::dup2(file, ends[0]));
    MUST(io::dup2(file, ends[1]));
    if (pipes_in_use() != used_before) return fail("dup2 over both ends of a pipe did not free it");
    if (refs_of(file) != 3) return fail("dup2 over a pipe's end: wrong refs");
    MUST(io::close(ends[0]));
    MUST(io::close(ends[1]));
    MUST(io::close(file));
    // An unlinked file lives until its last fd closes (fsck then checks it
    // was freed).
    int doomed = open_fresh("/doomed");
    MUST(exofs::write(doomed, "still here", 10));
    int second = MUST(io::dup(doomed));
    MUST(exofs::unlink("/doomed"));
    MUST(io::close(doomed));
    if (!holds(second, "still here")) return fail("an unlinked file closed through one fd lost its data");
    MUST(io::close(second));
    if (io::close(second)) return fail("closing a closed fd succeeded");
    return true;
}

bool check_fork_counts() {
    int fd = open_fresh("/forked");
    MUST(io::write(fd, "parent,", 7));
    int64_t child = fork();
    if (child == 0) {
        // This fd was counted before this domain could run.
        if (refs_of(fd) != 2) (void)io::write(fd, "UNCOUNTED,", 10);
        (void)io::write(fd, "child,", 6);
        exit();
    }
    if (child < 0) return fail("fork failed");
    (void)wait(static_cast<uint64_t>(child));
    if (refs_of(fd) != 1) return fail("after the child exited, refs is not 1 again");
    MUST(io::write(fd, "end", 3));
    if (!holds(fd, "parent,child,end")) return fail("fork: the child's fd was not counted, or the offset not shared");
    MUST(io::close(fd));
    return true;
}

// check_counts_while_closing: the closer's rounds, each holding the lock
// for kClosingsPerRound closings; and the PERM_SHARE page whose flag tells
// the counter that the closer is done.
constexpr int kClosingRounds = 1600;
constexpr int kClosingsPerRound = 1000;
constexpr uint64_t kClosedPage = 0x0000600000001000;
volatile uint64_t* const closer_done = reinterpret_cast<volatile uint64_t*>(kClosedPage);

// The closer: dup and close as io::dup and io::close do them, inside the
// lock, with a pseudo-random pause after each, so that slices end at every
// point of the loop, not always at the same one.
[[noreturn]] void close_copies_of(int fd) {
    int copy = exofs::kMaxFds - 1;
    uint32_t seed = 1;
    for (int round = 0; round < kClosingRounds; round++) {
        exofs::cache::lock();
        for (int i = 0; i < kClosingsPerRound; i++) {
            exofs::fd_attach(copy, fd);
            (void)exofs::fd_detach(copy);
            seed = seed * 1103515245 + 12345;
            for (uint32_t k = 0; k < (seed >> 16) % 8; k++) asm volatile("");
        }
        exofs::cache::unlock();
        (void)sys_yield(YIELD_ANY);
    }
    *closer_done = 1;
    exit();
}

// The counter: counts fd's open file in a made-up child's table and takes
// the counts back, four at a time, until the closer is done.
[[noreturn]] void count_and_uncount(int fd) {
    exofs::Files one = {};
    one.fd[0] = exofs::files()->fd[fd];
    while (*closer_done == 0) {
        for (int i = 0; i < 4; i++) exofs::share_files(one);
        for (int i = 0; i < 4; i++) exofs::unshare_files(one);
    }
    exit();
}

// share_files and unshare_files while another domain, holding the lock,
// keeps changing the refs of the same open file (as dup and close do): a
// count changed without the lock is lost whenever the holder is preempted
// between reading refs and writing it back.  Both are children, between
// which the root scheduler (this domain's upcalls) passes the CPU; the
// closer is preempted some thousands of times (hz=2000), a few percent of
// them inside that window.
bool check_counts_while_closing() {
    int64_t pfn = sys_frame_alloc(0);
    if (pfn < 0 || sys_map(0, kClosedPage, static_cast<uint64_t>(pfn), PERM_W | PERM_SHARE) < 0) {
        return fail("no flag page");
    }
    int fd = open_fresh("/contended");
    int64_t counter = fork();
    if (counter == 0) count_and_uncount(fd);
    if (counter < 0) return fail("fork failed");
    int64_t closer = fork();
    if (closer == 0) close_copies_of(fd);
    if (closer < 0) return fail("fork failed");
    (void)wait(static_cast<uint64_t>(closer));
    (void)wait(static_cast<uint64_t>(counter));
    if (refs_of(fd) != 1) return fail("after the counter and the closer exited, refs is not 1: a count was lost");
    MUST(io::close(fd));
    return true;
}

// Forks children that wait for release_flag until fork fails (the domain
// table is full); returns how many it made, or -1.
int fork_until_full(uint64_t* children, int max) {
    int n = 0;
    while (n < max) {
        int64_t child = fork();
        if (child == 0) {
            while (*release_flag == 0) (void)sys_yield(YIELD_ANY);
            exit();
        }
        if (child < 0) return n;
        children[n++] = static_cast<uint64_t>(child);
    }
    return -1;
}

bool check_failed_fork_and_spawn() {
    int64_t pfn = sys_frame_alloc(0);
    if (pfn < 0 || sys_map(0, kFlagPage, static_cast<uint64_t>(pfn), PERM_W | PERM_SHARE) < 0) {
        return fail("no flag page");
    }
    int fd = open_fresh("/crowd");
    static uint64_t children[MAX_DOMAINS];
    int n = fork_until_full(children, MAX_DOMAINS);
    if (n < 0) return fail("fork never failed");
    bool counted = refs_of(fd) == static_cast<uint32_t>(1 + n);
    const char* argv[] = {"echo", nullptr};
    bool spawned = static_cast<bool>(spawn("/bin/echo", argv));
    bool still_counted = refs_of(fd) == static_cast<uint32_t>(1 + n);
    *release_flag = 1;
    for (int i = 0; i < n; i++) (void)wait(children[i]);
    if (!counted) return fail("a failed fork left the refs raised");
    if (spawned) return fail("spawn succeeded with the domain table full");
    if (!still_counted) return fail("a failed spawn changed the refs");
    if (refs_of(fd) != 1) return fail("after the children exited, refs is not 1 again");
    MUST(io::close(fd));
    return true;
}


}  // namespace

int main() {
    UnitChecks checks("fdunit");
    MUST(disk::claim_ports());
    MUST(exofs::mount());
    checks.run("dup2 onto itself", check_dup2_onto_itself);
    checks.run("dup2 refusals", check_dup2_refusals);
    checks.run("close the last reference", check_close_last_reference);
    checks.run("failed pipe", check_failed_pipe);
    checks.run("fork counts", check_fork_counts);
    checks.run("failed fork and spawn", check_failed_fork_and_spawn);
    checks.run("fork counts while another domain closes", check_counts_while_closing);
    MUST(exofs::sync());
    printf("fdunit: done\n");
    return 0;
}
