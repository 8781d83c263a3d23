// exolab: lab 4
// user/bin/forkstress.cc: hundreds of forks and exits in sequence lose no
// frame (DESIGN §3.3, §4).
//
// Each round forks a child that writes a global (a copy-on-write fault)
// and exits, while the parent writes it too and waits.  The free frames
// (UFRAMES) are counted after a first, unmeasured round (the libOS's
// one-time page tables) and after the last: they must be equal, and every
// child must have exited, none killed.  Ids are reused: the domain table
// has MAX_DOMAINS slots, far fewer than the rounds.
#include "lib/fork.h"
#include "lib/libos.h"
#include "lib/windows.h"

namespace {

constexpr int kRounds = 300;

alignas(PAGE_SIZE) uint64_t written[PAGE_SIZE / sizeof(uint64_t)];

// One round: fork, both write, the parent waits for the child's exit.
void round(uint64_t n) {
    int64_t child = fork();
    if (child < 0) panic("fork in round %lu: %s", n, result_name(child));
    if (child == 0) {
        written[0] = n;
        exit();
    }
    written[1] = n;
    (void)wait(static_cast<uint64_t>(child));
}

}  // namespace

int main() {
    round(0);
    size_t before = count_frames(FrameKind::Free);
    for (int n = 1; n <= kRounds; n++) round(n);
    size_t after = count_frames(FrameKind::Free);
    printf("forkstress: %d forks, free frames before %zu, after %zu\n", kRounds, before, after);
    return 0;
}
