// exolab: lab 4
// user/bin/passon.cc: what a forked child may map of its parent's frames
// (map's second source of authority, DESIGN §3.2 "Authority to map").
//
// The parent owns frame `shared`, mapped writable at kShared before the
// fork (so the child maps it copy-on-write, read-only, at the same
// address), and frame `hidden`, mapped nowhere.  The child may pass on
// only what it maps itself, at the same address, with no more rights:
// re-mapping `shared` at kShared copy-on-write is allowed; `shared`
// writable or executable, `shared` elsewhere, and `hidden` anywhere (even
// where `shared` is mapped) are refused.
#include "lib/fork.h"
#include "lib/libos.h"

namespace {

constexpr uint64_t kShared = 0x20000000;
constexpr uint64_t kElsewhere = 0x20001000;

void report(const char* what, int64_t r) { printf("passon: %s: %s\n", what, result_name(r)); }

}  // namespace

int main() {
    int64_t shared = sys_frame_alloc(0);
    int64_t hidden = sys_frame_alloc(0);
    if (shared < 0 || hidden < 0 || sys_map(0, kShared, static_cast<uint64_t>(shared), PERM_W) < 0) {
        panic("passon: no frames");
    }
    const char text[] = "the parent's page";
    memcpy(reinterpret_cast<char*>(kShared), text, sizeof(text));
    int64_t child = fork();
    if (child < 0) panic("fork: %s", result_name(child));
    if (child == 0) {
        auto s = static_cast<uint64_t>(shared), h = static_cast<uint64_t>(hidden);
        report("shared, same address, copy-on-write", sys_map(0, kShared, s, PERM_COW));
        report("shared, same address, writable", sys_map(0, kShared, s, PERM_W));
        report("shared, same address, executable", sys_map(0, kShared, s, PERM_X));
        report("shared, another address", sys_map(0, kElsewhere, s, 0));
        report("hidden, mapped nowhere here", sys_map(0, kElsewhere, h, 0));
        report("hidden, where shared is mapped", sys_map(0, kShared, h, PERM_COW));
        printf("passon: child reads: %s\n", reinterpret_cast<const char*>(kShared));
        exit();
    }
    wait(static_cast<uint64_t>(child));
    printf("passon: parent done\n");
    return 0;
}
