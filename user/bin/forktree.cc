// exolab: lab 4
// user/bin/forktree.cc: a binary tree of domains made by fork.
//
// Each domain is named by its path from the root ("" for the first, then
// "0", "1", "00", ...); each with a name shorter than kDepth forks two
// children, waits for both, and exits.  Every domain prints one line.
#include "lib/fork.h"
#include "lib/libos.h"

namespace {

constexpr int kDepth = 3;

void forktree(const char* name);

// Forks a child that continues the tree at `name` + `branch`.  Returns its
// id in the parent; never returns in the child.
int64_t fork_child(const char* name, char branch) {
    char child_name[kDepth + 1];
    size_t n = strlen(name);
    if (n >= kDepth) return 0;
    memcpy(child_name, name, n);
    child_name[n] = branch;
    child_name[n + 1] = '\0';
    int64_t child = fork();
    if (child < 0) panic("fork: %s", result_name(child));
    if (child == 0) {
        forktree(child_name);
        exit();
    }
    return child;
}

void forktree(const char* name) {
    printf("forktree: %ld is '%s'\n", sys_self(), name);
    int64_t left = fork_child(name, '0');
    int64_t right = fork_child(name, '1');
    if (left > 0) wait(static_cast<uint64_t>(left));
    if (right > 0) wait(static_cast<uint64_t>(right));
}

}  // namespace

int main() {
    forktree("");
    return 0;
}
