// exolab: lab 5
// user/bin/pipekill.cc: a pipe whose writer is killed still reaches EOF
// (lib/fdtable.h).
//
// Twice, a forked child writes a line into a pipe and then spins, its
// write end open; the parent closes its own write end, kills the child
// and reads: the line, then EOF, because the dead child's fds are closed
// for it.  The first time the parent's read closes them (a waiting reader
// looks for dead domains); the second time the parent first forks a new
// child, which takes the dead one's id, and giving that child its fd table
// must close the dead one's first.  Prints what each read got.
#include "abi/domain.h"
#include "lib/fork.h"
#include "lib/io.h"
#include "lib/libos.h"
#include "lib/pipe.h"

namespace {

// A pipe written by a child that is then killed with its write end open:
// prints what the reader got.  `reuse_the_id`: fork a short-lived child
// (the dead one's id) before reading.
void read_after_the_kill(const char* round, bool reuse_the_id) {
    int ends[2];
    MUST(io::pipe(ends));
    int64_t writer = fork();
    if (writer < 0) panic("pipekill: fork: %s", result_name(writer));
    if (writer == 0) {
        MUST(io::close(ends[0]));
        MUST(io::write(ends[1], "written, then killed", 20));
        for (;;) (void)sys_yield(YIELD_ANY);  // never closes its write end
    }
    MUST(io::close(ends[1]));
    char text[32] = {};
    uint64_t got = MUST(io::read(ends[0], text, sizeof text - 1));
    (void)sys_domain_destroy(static_cast<uint64_t>(writer));
    if (reuse_the_id) {
        int64_t next = fork();
        if (next == 0) exit();
        if (next < 0) panic("pipekill: fork: %s", result_name(next));
        printf("pipekill: %s: a new child takes the id: %s\n", round, next == writer ? "yes" : "no");
        (void)wait(static_cast<uint64_t>(next));
    }
    uint64_t after = MUST(io::read(ends[0], text + got, sizeof text - 1 - got));
    printf("pipekill: %s: read \"%s\", then %s\n", round, text, after == 0 ? "EOF" : "more");
    MUST(io::close(ends[0]));
}

}  // namespace

int main() {
    read_after_the_kill("a waiting reader", false);
    read_after_the_kill("the id reused", true);
    return 0;
}
