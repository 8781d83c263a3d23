// exolab: lab 4
// user/bin/stridecheck.cc: stride_pick (scheduler.h) on made-up domain tables.
//
// Each check builds a table of Runnable domains with given tickets, runs
// stride_pick on it with a fresh StrideState (the root scheduler `self`
// is 0, which no entry has, so only the made-up domains are picked) and
// prints one line, "stridecheck: <check>: ok" or what went wrong:
//   wrap       1, 2 and 3 tickets for 60,000 picks: the 32-bit passes wrap
//              several times; shares within 1% and no domain waits more
//              than twice its fair gap between two turns;
//   newcomer   a domain that appears after 10,000 picks of two others
//              takes its turns at once, with no catch-up run;
//   reused     a slot freed and filled again: the same;
//   blocked    a domain Blocked for 5,000 picks: no catch-up run after;
//   tickets    1 ticket raised to 100 just after that domain was picked:
//              it runs again within a few picks, not after 100.
#include "abi/domain.h"
#include "lib/libos.h"
#include "lib/scheduler.h"

namespace {

constexpr uint64_t kSelf = 0;

DomainInfo table[MAX_DOMAINS];
StrideState state;

// What a run of picks did to each domain.
struct Tally {
    uint64_t turns[MAX_DOMAINS];
    uint64_t first_turn[MAX_DOMAINS];    // picks before its first turn in this run (or the run's length)
    uint64_t longest_run[MAX_DOMAINS];   // most turns in a row
    uint64_t longest_wait[MAX_DOMAINS];  // most picks between two of its turns
};

// Starts a check: every slot Free, no state.
void reset() {
    for (uint64_t id = 0; id < MAX_DOMAINS; id++) table[id] = DomainInfo{};
    state = StrideState{};
}

void add(uint64_t id, uint64_t tickets) {
    table[id].id = static_cast<uint16_t>(id);
    table[id].state = DomainState::Runnable;
    state.tickets[id] = tickets;
}

// Runs `picks` picks and tallies them.
Tally run(uint64_t picks) {
    Tally t = {};
    uint64_t last_turn[MAX_DOMAINS] = {};
    bool had_turn[MAX_DOMAINS] = {};
    uint64_t previous = 0, streak = 0;
    for (uint64_t i = 0; i < MAX_DOMAINS; i++) t.first_turn[i] = picks;
    for (uint64_t n = 0; n < picks; n++) {
        uint64_t id = stride_pick(state, table, kSelf);
        if (id >= MAX_DOMAINS) panic("stride_pick returned %lu", id);
        t.turns[id]++;
        streak = id == previous ? streak + 1 : 1;
        previous = id;
        if (streak > t.longest_run[id]) t.longest_run[id] = streak;
        if (!had_turn[id]) t.first_turn[id] = n;
        if (had_turn[id] && n - last_turn[id] > t.longest_wait[id]) t.longest_wait[id] = n - last_turn[id];
        had_turn[id] = true;
        last_turn[id] = n;
    }
    return t;
}

// |a - b| <= slack
bool near(uint64_t a, uint64_t b, uint64_t slack) { return a + slack >= b && b + slack >= a; }

void report(const char* check, const char* wrong) {
    printf("stridecheck: %s: %s\n", check, wrong == nullptr ? "ok" : wrong);
}

void check_wrap() {
    reset();
    for (uint64_t id = 1; id <= 3; id++) add(id, id);
    constexpr uint64_t kPicks = 60000;
    Tally t = run(kPicks);
    const char* wrong = nullptr;
    for (uint64_t id = 1; id <= 3; id++) {
        uint64_t fair = kPicks * id / 6;
        if (!near(t.turns[id], fair, fair / 100)) {
            printf("stridecheck: domain %lu had %lu turns of %lu (expected %lu)\n", id, t.turns[id], kPicks, fair);
            wrong = "shares off by more than 1%";
        } else if (t.longest_wait[id] > 2 * 6 / id) {
            printf("stridecheck: domain %lu waited %lu picks (fair: %lu)\n", id, t.longest_wait[id], 6 / id);
            wrong = "a domain waited more than twice its fair gap";
        }
    }
    report("wrap", wrong);
}

// After a warm-up of `before` picks, domain `id` (100 tickets, like the
// others) is back or new: it must be picked within 3 picks, never twice
// in a row, and get its third of 300 picks.
const char* check_arrival(uint64_t id) {
    Tally t = run(300);
    if (t.first_turn[id] > 3) return "its first turn came late (starved)";
    if (t.longest_run[id] > 1) return "it ran twice in a row (a catch-up run)";
    if (!near(t.turns[id], 100, 3)) return "it did not get its share";
    return nullptr;
}

void check_newcomer() {
    reset();
    add(1, 100);
    add(2, 100);
    (void)run(10000);
    add(3, 100);
    report("newcomer", check_arrival(3));
}

void check_reused() {
    reset();
    add(1, 100);
    add(2, 100);
    add(3, 100);
    (void)run(1000);
    table[3].state = DomainState::Free;
    (void)run(10000);
    add(3, 100);
    report("reused", check_arrival(3));
}

void check_blocked() {
    reset();
    add(1, 100);
    add(2, 100);
    add(3, 100);
    (void)run(1000);
    table[3].state = DomainState::Blocked;
    (void)run(5000);
    table[3].state = DomainState::Runnable;
    report("blocked", check_arrival(3));
}

void check_tickets() {
    reset();
    add(1, 1);
    add(2, 100);
    for (uint64_t n = 0; n < 1000 && stride_pick(state, table, kSelf) != 1; n++) {
    }
    state.tickets[1] = 100;
    Tally t = run(200);
    const char* wrong = nullptr;
    if (t.first_turn[1] > 3) {
        wrong = "the new tickets waited for the old stride to run out";
    } else if (!near(t.turns[1], 100, 3)) {
        wrong = "the shares did not follow the new tickets";
    }
    report("tickets", wrong);
}

}  // namespace

int main() {
    check_wrap();
    check_newcomer();
    check_reused();
    check_blocked();
    check_tickets();
    return 0;
}
