// exolab: lab 4
// user/bin/forkrights.cc: fork keeps each page's rights (fork.h).
//
// A page mapped PERM_SHARE stays shared: the parent reads what its child
// wrote there.  A read-only page (here, a string in .rodata) is shared as
// it is, not made copy-on-write: the child's write to it faults, and fork's
// fault handler reports it and ends the child, where a copy-on-write page
// would have handed the child a private writable copy.
#include "lib/fork.h"
#include "lib/libos.h"
#include "lib/x86.h"

namespace {

constexpr uint64_t kShared = 0x70000000;
const char kConstant[] = "constant";

char* at(uint64_t va) { return reinterpret_cast<char*>(va); }

// Forks a child that runs `body` and exits; waits for it.
template <typename F>
void in_child(F body) {
    int64_t child = fork();
    if (child < 0) panic("fork: %s", result_name(child));
    if (child == 0) {
        body();
        exit();
    }
    wait(static_cast<uint64_t>(child));
}

}  // namespace

int main() {
    int64_t pfn = sys_frame_alloc(0);
    if (pfn < 0 || sys_map(0, kShared, static_cast<uint64_t>(pfn), PERM_W | PERM_SHARE) < 0) panic("cannot map");
    memcpy(at(kShared), "parent", 7);
    in_child([] { memcpy(at(kShared), "child", 6); });
    printf("forkrights: the shared page after the child's write: %s\n", at(kShared));
    printf("forkrights: rodata at %lx\n", reinterpret_cast<uint64_t>(kConstant));
    in_child([] {
        store_to(reinterpret_cast<uint64_t>(kConstant), 0);
        printf("forkrights: the child wrote its rodata\n");
    });
    printf("forkrights: rodata after the child's write: %s\n", kConstant);
    return 0;
}
