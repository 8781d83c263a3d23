// exolab: lab 5
// user/bin/spawncheck.cc: spawn's refusals and its frame accounting.
//
// Prints "spawncheck: <case>: <error>" for each bad call (every one must
// fail, cleanly, and leave the fd table as it was), then spawns echo 10
// times, waiting for each, and prints whether the free frames came back
// to their count before ("frames conserved") and whether the fds did.
#include "lib/fork.h"
#include "lib/fs/fd.h"
#include "lib/libos.h"
#include "lib/spawn.h"
#include "lib/windows.h"

namespace {

// What a spawn that must fail returned: its error's name.
const char* outcome(Result<uint64_t> r) { return r ? "started!" : error_name(r.error()); }

// Open fds of this domain.
int open_fds() {
    int n = 0;
    for (int fd = 0; fd < exofs::kMaxFds; fd++) n += exofs::files()->fd[fd] != 0;
    return n;
}

}  // namespace

int main() {
    int fds_before = open_fds();
    const char* one[] = {"echo", nullptr};
    printf("spawncheck: missing program: %s\n", outcome(spawn("/bin/nosuch", one)));
    printf("spawncheck: a directory: %s\n", outcome(spawn("/bin", one)));
    printf("spawncheck: empty path: %s\n", outcome(spawn("", one)));
    static const char* many[kMaxArgs + 2];
    for (int i = 0; i <= kMaxArgs; i++) many[i] = "x";
    printf("spawncheck: %d arguments: %s\n", kMaxArgs + 1, outcome(spawn("echo", many)));
    static char big[kMaxArgBytes + 2];
    memset(big, 'y', sizeof big - 1);
    const char* huge[] = {"echo", big, nullptr};
    printf("spawncheck: %lu bytes of arguments: %s\n", static_cast<unsigned long>(sizeof big), outcome(spawn("echo", huge)));
    int bad_fds[3] = {0, 31, 2};
    printf("spawncheck: a closed fd: %s\n", outcome(spawn("echo", one, bad_fds)));
    int wild_fds[3] = {0, 1000, 2};
    printf("spawncheck: an fd out of range: %s\n", outcome(spawn("echo", one, wild_fds)));
    const char* why = "";
    Result<uint64_t> bad = spawn("badelf_wrapseg", one, nullptr, &why);
    printf("spawncheck: badelf_wrapseg: %s (%s)\n", outcome(bad), why);
    printf("spawncheck: fds after the refusals: %s\n", open_fds() == fds_before ? "as before" : "CHANGED");
    const char* quiet[] = {"echo", "-", nullptr};
    Result<uint64_t> warm = spawn("echo", quiet);  // the scratch page's tables, once
    if (warm) (void)wait(warm.value());
    size_t free_before = count_frames(FrameKind::Free);
    for (int i = 0; i < 10; i++) {
        Result<uint64_t> r = spawn("echo", quiet);
        if (!r) panic("spawncheck: spawn echo: %s", error_name(r.error()));
        (void)wait(r.value());
    }
    size_t free_after = count_frames(FrameKind::Free);
    printf("spawncheck: after 10 spawns: frames %s (%ld)\n", free_after == free_before ? "conserved" : "LOST",
           static_cast<long>(free_after) - static_cast<long>(free_before));
    printf("spawncheck: fds after the spawns: %s\n", open_fds() == fds_before ? "as before" : "CHANGED");
    return 0;
}
