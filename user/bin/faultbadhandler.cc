// exolab: lab 4
// user/bin/faultbadhandler.cc: upcall entries the CPU cannot run
// (DESIGN §3.3).
//
// Two forked children each point their upcall entry at a user address
// that domain_set_upcall accepts but that cannot be executed, then fault:
//   unmapped   nothing mapped there: the fetch faults (error 0x14)
//   noexec     a read-only, no-execute data page: the fetch faults (0x15)
// Entering the handler faults with upcalls masked, so each child must be
// killed with the masked line, at the entry, while the parent lives on.
// The parent prints each child's id; after both it exits normally.
#include "lib/fork.h"
#include "lib/libos.h"
#include "lib/upcall.h"

namespace {

constexpr uint64_t kUnmappedEntry = 0x60000000;
constexpr uint64_t kUnmapped = 0x30000000;
const char kNotCode[] = "faultbadhandler: data, not code";

// In a new child: sets the upcall entry to `entry`, then faults.  Nothing
// is printed in between: a copy-on-write fault there would already go to
// `entry`.  Returns in the parent with the child's id.
int64_t child_with_entry(const char* what, uint64_t entry) {
    int64_t child = fork();
    if (child != 0) return child;
    printf("faultbadhandler: child %ld: entry at %lx (%s)\n", sys_self(), entry, what);
    (void)sys_domain_set_upcall(0, entry, kUpcallStackTop);
    *reinterpret_cast<volatile uint32_t*>(kUnmapped) = 1;
    printf("faultbadhandler: child %ld still alive after the fault\n", sys_self());
    exit();
}

}  // namespace

int main() {
    int64_t unmapped = child_with_entry("unmapped", kUnmappedEntry);
    if (unmapped < 0) panic("fork: %s", result_name(unmapped));
    (void)wait(static_cast<uint64_t>(unmapped));
    int64_t noexec = child_with_entry("noexec", reinterpret_cast<uint64_t>(kNotCode));
    if (noexec < 0) panic("fork: %s", result_name(noexec));
    (void)wait(static_cast<uint64_t>(noexec));
    printf("faultbadhandler: parent done\n");
    return 0;
}
