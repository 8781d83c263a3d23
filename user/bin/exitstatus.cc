// exolab: lab 5
// user/bin/exitstatus.cc: exit statuses from child to parent through the
// region (lib/exits.h), each line "exitstatus: <case>: <what wait gave>".
//
// Children forked or spawned end with exit(code), main's return, a panic
// or a kill; the parent waits after each has ended (the status must
// outlive the child), waits twice, waits for what is not its child, is
// given one id twice (the kernel reuses the lowest free slot), and keeps
// children it never waits for until the records run out.
// `exitstatus N` is the spawned case: its main returns N.
#include "abi/domain.h"
#include "lib/exits.h"
#include "lib/fork.h"
#include "lib/fs/fs.h"
#include "lib/io.h"
#include "lib/libos.h"
#include "lib/spawn.h"
#include "lib/windows.h"

namespace {

// Gives the CPU away until domain `id`, of generation `generation`, is gone.
void until_ended(uint64_t id, uint16_t generation) {
    while (domain_table()[id].state != DomainState::Free && domain_table()[id].generation == generation) {
        (void)sys_yield(YIELD_ANY);
    }
}

// Forks a child that ends with exit(code), lets it end, and returns its id.
uint64_t ended_child(int code) {
    int64_t child = fork();
    if (child < 0) panic("exitstatus: fork: %s", result_name(child));
    if (child == 0) exit(code);
    uint64_t id = static_cast<uint64_t>(child);
    until_ended(id, domain_table()[id].generation);
    return id;
}

// Prints "<what>: " and wait's result, a status or an error's name.
void report(const char* what, int64_t got) {
    if (got < 0) printf("exitstatus: %s: %s\n", what, result_name(got));
    else printf("exitstatus: %s: %ld\n", what, got);
}

// Writes `text` to a new file `path`, or panics.
void write_file(const char* path, const char* text) {
    Result<int> fd = exofs::open(path, exofs::kWrite | exofs::kCreate | exofs::kTruncate);
    if (!fd || !io::write(fd.value(), text, strlen(text))) panic("exitstatus: cannot write %s", path);
    (void)io::close(fd.value());
}

// Spawns argv and waits for it.
int64_t spawn_and_wait(const char* const* argv) {
    Result<uint64_t> child = spawn(argv[0], argv, nullptr);
    if (!child) panic("exitstatus: spawn %s: %s", argv[0], error_name(child.error()));
    return wait(child.value());
}

}  // namespace

int main(int argc, char** argv) {
    if (argc > 1) {
        int n = 0;
        for (const char* d = argv[1]; *d >= '0' && *d <= '9'; d++) n = n * 10 + (*d - '0');
        return n;
    }
    report("exit 3, waited for after it ended", wait(ended_child(3)));
    report("exit 300", wait(ended_child(300)));
    const char* seven[] = {"exitstatus", "7", nullptr};
    report("spawned, main returns 7", spawn_and_wait(seven));
    int64_t child = fork();
    if (child == 0) panic("on purpose");
    report("panicked", wait(static_cast<uint64_t>(child)));
    child = fork();
    if (child == 0) {
        for (;;) (void)sys_yield(YIELD_ANY);
    }
    report("killed by its parent", sys_domain_destroy(static_cast<uint64_t>(child)) < 0 ? -1 : wait(static_cast<uint64_t>(child)));
    uint64_t id = ended_child(4);
    report("waited for", wait(id));
    report("waited for again", wait(id));
    report("init, not a child", wait(1));
    uint64_t first = ended_child(5);
    uint64_t second = ended_child(6);
    printf("exitstatus: one id given twice: %s\n", first == second ? "yes" : "no");
    report("its first child", wait(first));
    report("its second child", wait(second));
    write_file("status.sh", "echo from the script\nexit 9\n");
    const char* script[] = {"sh", "status.sh", nullptr};
    report("sh status.sh", spawn_and_wait(script));
    (void)exofs::unlink("status.sh");
    // Children never waited for keep their records: fork is refused once
    // every record is taken, and each status is still there, in order.
    static uint64_t kept[exofs::kExitRecords];
    int n = 0;
    int64_t refused = 0;
    for (; n < static_cast<int>(exofs::kExitRecords); n++) {
        child = fork();
        if (child < 0) {
            refused = child;
            break;
        }
        if (child == 0) exit(n);
        kept[n] = static_cast<uint64_t>(child);
        until_ended(kept[n], domain_table()[kept[n]].generation);
    }
    printf("exitstatus: %s children never waited for, then fork: %s\n", n >= 100 ? "over 100" : "under 100", result_name(refused));
    bool in_order = true;
    for (int i = 0; i < n; i++) in_order = in_order && wait(kept[i]) == i;
    printf("exitstatus: their statuses, in order: %s\n", in_order ? "yes" : "no");
    report("fork once they are collected", wait(ended_child(0)));
    return 0;
}
