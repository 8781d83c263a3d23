// exolab: lab 4
// user/lib/scheduler.cc: round-robin and stride scheduling over the
// exported domain table (see scheduler.h).
#include "lib/scheduler.h"

#include "abi/domain.h"
#include "lib/libos.h"
#include "lib/windows.h"
#include "lib/upcall.h"

namespace {

constexpr uint64_t kStride1 = 1 << 20;  // stride = kStride1 / tickets

// All written in upcalls, so UPCALL_DATA (upcall.h).
UPCALL_DATA constinit Policy policy = Policy::RoundRobin;
UPCALL_DATA constinit uint64_t tickets[MAX_DOMAINS] = {};
UPCALL_DATA constinit uint64_t pass[MAX_DOMAINS] = {};
UPCALL_DATA constinit bool seen[MAX_DOMAINS] = {};  // had a pass when last looked at
UPCALL_DATA constinit uint64_t last_picked = 0;


// May domain `id` get the CPU now?  Init itself is running this code, so
// its own main context is a candidate unless it is Blocked or Stopped.
bool candidate(uint64_t id, uint64_t self) {
    DomainState s = domain_table()[id].state;
    return id == self ? s == DomainState::Running : s == DomainState::Runnable;
}

// The next candidate after the last one picked, in id order; 0 if none.
uint64_t pick_round_robin(uint64_t self) {
#if SOL >= 4
    for (uint64_t step = 1; step <= MAX_DOMAINS; step++) {
        uint64_t id = (last_picked + step) % MAX_DOMAINS;
        if (id != 0 && candidate(id, self)) return id;
    }
    return 0;
#else
    // LAB 4: Exercise 6 (part 1). Round-robin: the next domain after
    // `last_picked`, in id order and wrapping around, that may run now
    // (candidate()); 0 if none may.  Every runnable domain, init's own
    // context included, must get its turn before any gets a second one.
    (void)candidate;
    return self;
#endif
}

// The candidate with the smallest pass, which then advances by its stride.
// A domain new to the table starts at the smallest pass in use, so that
// it neither starves nor takes the CPU for a long catch-up run.
uint64_t pick_stride(uint64_t self) {
#if SOL >= 4
    uint64_t min_pass = UINT64_MAX;
    for (uint64_t id = 1; id < MAX_DOMAINS; id++) {
        if (seen[id] && domain_table()[id].state != DomainState::Free && pass[id] < min_pass) min_pass = pass[id];
    }
    if (min_pass == UINT64_MAX) min_pass = 0;
    uint64_t best = 0;
    for (uint64_t id = 1; id < MAX_DOMAINS; id++) {
        if (domain_table()[id].state == DomainState::Free) {
            seen[id] = false;
            continue;
        }
        if (!seen[id]) {
            seen[id] = true;
            pass[id] = min_pass;
        }
        if (candidate(id, self) && (best == 0 || pass[id] < pass[best])) best = id;
    }
    if (best != 0) pass[best] += kStride1 / (tickets[best] != 0 ? tickets[best] : kDefaultTickets);
    return best;
#else
    // LAB 4: Exercise 6 (part 2). Stride scheduling: of the domains that
    // may run now (candidate()), the one with the smallest pass, whose pass
    // then advances by its stride, kStride1 / its tickets (kDefaultTickets
    // when it has none).  Over time each runnable domain's share of the
    // slices is its share of the tickets.  Threats: a domain that appears
    // in the table (a new child, or a reused slot: seen[]) must start at
    // the smallest pass in use, neither starving nor owed a long catch-up
    // run; 0 if no domain may run.
    (void)self, (void)seen, (void)pass;
    return self;
#endif
}

}  // namespace

void sched_set_policy(Policy p) { policy = p; }

void sched_set_tickets(uint64_t dom, uint64_t t) {
    if (dom < MAX_DOMAINS && t >= 1) tickets[dom] = t;
}

void root_schedule(UArea& u) {
    uint64_t self = static_cast<uint64_t>(sys_self());
    for (;;) {
        u.pending = 0;
        uint64_t next = policy == Policy::Stride ? pick_stride(self) : pick_round_robin(self);
        if (next != 0) last_picked = next;
        if (next == self) return;
        if (next == 0) {
            (void)sys_yield(YIELD_SELF);
        } else {
            (void)sys_yield(next);  // back here at the next event (masked: resumed, pending set)
        }
    }
}
