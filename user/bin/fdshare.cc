// exolab: lab 5
// user/bin/fdshare.cc: one open file shared across fork and spawn.
//
// Opens fdshare.out and writes "parent,"; a forked child writes "child,"
// through its copy of the fd; echo, spawned with the file as its fd 1,
// prints "spawned,"; fdshare itself, spawned with the whole fd table
// ("-child FD"), writes "inherited," through the same fd number; last the
// parent writes "end".  One offset, shared by all: the file must read
// "parent,child,spawned,\ninherited,end" (printed as
// "fdshare: <contents>", newlines as "|").
#include "lib/fork.h"
#include "lib/fs/fs.h"
#include "lib/io.h"
#include "lib/libos.h"
#include "lib/spawn.h"

namespace {

// Writes text to fd, or panics.
void put(int fd, const char* text) {
    if (!io::write(fd, text, strlen(text))) panic("fdshare: write to fd %d failed", fd);
}

// Spawns argv with fds, waits for it.
void run(const char* const* argv, const int* fds) {
    Result<uint64_t> child = spawn(argv[0], argv, fds);
    if (!child) panic("fdshare: spawn %s: %s", argv[0], error_name(child.error()));
    (void)wait(child.value());
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 3 && strcmp(argv[1], "-child") == 0) {
        put(argv[2][0] - '0', "inherited,");
        return 0;
    }
    Result<int> opened = exofs::open("fdshare.out", exofs::kRead | exofs::kWrite | exofs::kCreate | exofs::kTruncate);
    if (!opened) panic("fdshare: open: %s", error_name(opened.error()));
    int fd = opened.value();
    if (fd > 9) panic("fdshare: fd %d", fd);
    put(fd, "parent,");
    int64_t child = fork();
    if (child == 0) {
        put(fd, "child,");
        exit();
    }
    (void)wait(static_cast<uint64_t>(child));
    const char* echo[] = {"echo", "spawned,", nullptr};
    int fds[3] = {0, fd, 2};
    run(echo, fds);
    char number[2] = {static_cast<char>('0' + fd), '\0'};
    const char* self[] = {"fdshare", "-child", number, nullptr};
    run(self, nullptr);
    put(fd, "end");
    char back[80] = {};
    Result<uint64_t> got = exofs::pread(fd, back, sizeof back - 1, 0);
    for (char* c = back; *c; c++) {
        if (*c == '\n') *c = '|';
    }
    printf("fdshare: %s\n", got ? back : error_name(got.error()));
    (void)io::close(fd);
    return 0;
}
