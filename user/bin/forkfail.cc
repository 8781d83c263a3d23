// exolab: lab 5
// user/bin/forkfail.cc: a fork that fails counts no fd for the child it
// could not finish (lib/fork.cc).
//
// Opens forkfail.out, then takes every free frame but a few, so that
// domain_create succeeds and the child's pages do not fit; forks; gives
// the frames back.  Prints the fork's result, the open file's count of
// fds (refs) before and after it, and whether closing the one fd freed
// the open file.  A fork that counted the child's fds before failing
// leaves refs at 2, and the file open for good.
#include "lib/fork.h"
#include "lib/fs/fd.h"
#include "lib/fs/fs.h"
#include "lib/fs/shared.h"
#include "lib/libos.h"
#include "lib/windows.h"

namespace {

constexpr uint64_t kLeftFree = 6;  // a domain_create's frames, not a whole child

// The refs of the open file that fd names.
uint32_t refs_of(int fd) { return exofs::shared()->files[exofs::files()->fd[fd] - 1].refs; }

// Takes every free frame (owned, mapped nowhere), then gives back kLeftFree.
void take_frames() {
    uint64_t last = 0;
    for (int64_t pfn; (pfn = sys_frame_alloc(0)) >= 0;) last = static_cast<uint64_t>(pfn);
    for (uint64_t p = last, given = 0; p > 0 && given < kLeftFree; p--) {
        const FrameInfo& f = frame_table()[p];
        if (f.kind == FrameKind::User && f.owner == sys_self() && f.map_count == 0 && sys_frame_free(p) == 0) given++;
    }
}

// Gives back every frame take_frames kept.
void give_frames() {
    uint64_t self = static_cast<uint64_t>(sys_self());
    for (uint64_t p = 1; p < frame_table_entries(); p++) {
        const FrameInfo& f = frame_table()[p];
        if (f.kind == FrameKind::User && f.owner == self && f.map_count == 0) (void)sys_frame_free(p);
    }
}

}  // namespace

int main() {
    int fd = MUST(exofs::open("forkfail.out", exofs::kWrite | exofs::kCreate | exofs::kTruncate));
    uint32_t file = exofs::files()->fd[fd] - 1u;
    uint32_t before = refs_of(fd);
    take_frames();
    int64_t child = fork();
    if (child == 0) exit();  // not expected: the child could not be built
    give_frames();
    printf("forkfail: fork: %s\n", child < 0 ? result_name(child) : "succeeded");
    printf("forkfail: refs %u before the fork, %u after\n", before, refs_of(fd));
    MUST(exofs::close(fd));
    printf("forkfail: closed: %s\n", exofs::shared()->files[file].refs == 0 ? "yes" : "no");
    return 0;
}
