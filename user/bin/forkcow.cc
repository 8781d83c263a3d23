// exolab: lab 4
// user/bin/forkcow.cc: fork's copy-on-write keeps parent and child apart
// and loses no frame (DESIGN §3.3, §4).
//
// A page-aligned global holds "before" when the domain forks.  The child
// reads it (it must still say "before", whatever the parent did since),
// writes "child" and reads that back; the parent writes "parent", waits
// for the child to exit and reads it back.  Each must see its own value.
// The free frames (UFRAMES) are counted before the fork and after the
// child has exited: every frame fork, the copies and the child used must
// be free again, so the two counts are equal.  A first fork and wait, not
// measured, lets the libOS make its one-time page tables (the scratch
// page's).
#include "lib/fork.h"
#include "lib/libos.h"
#include "lib/windows.h"

namespace {

alignas(PAGE_SIZE) char page[PAGE_SIZE] = "before";

// Writes `text` (with its '\0') at the start of the shared page.
void write_page(const char* text) { memcpy(page, text, strlen(text) + 1); }

// Forks a child that runs `child_main` and exits.  Returns the child's id
// in the parent only.
uint64_t spawn(void (*child_main)()) {
    int64_t child = fork();
    if (child < 0) panic("fork: %s", result_name(child));
    if (child == 0) {
        child_main();
        exit();
    }
    return static_cast<uint64_t>(child);
}

// The measured child: reads, writes and reads back the shared page.
void child_main() {
    printf("forkcow: child first reads \"%s\"\n", page);
    write_page("child");
    printf("forkcow: child then reads \"%s\"\n", page);
}

}  // namespace

int main() {
    (void)wait(spawn([] {}));
    size_t before = count_frames(FrameKind::Free);
    uint64_t child = spawn(child_main);
    write_page("parent");
    (void)wait(child);
    printf("forkcow: parent reads \"%s\"\n", page);
    size_t after = count_frames(FrameKind::Free);
    printf("forkcow: free frames before the fork %zu, after the child exited %zu\n", before, after);
    return 0;
}
