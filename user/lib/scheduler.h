// exolab: lab 4
// user/lib/scheduler.h: the root scheduler, which lives in init's libOS
// (DESIGN §3.4).
//
// The kernel reports every event that frees the CPU (a slice ended, a
// domain blocked or exited) to init as an upcall; root_schedule answers by
// reading the exported domain table and yielding to the domain its policy
// picks.  init's own main context is one of the candidates: while it is
// Blocked in ipc_recv the others still run, since the scheduler runs in
// init's upcalls, not in its main thread.
#pragma once

#include <cstdint>

#include "abi/domain.h"
#include "abi/uarea.h"

enum class Policy {
    RoundRobin,  // each runnable domain in turn, in id order (the default)
    Stride,      // shares in proportion to tickets (sched_set_tickets)
};

// Chooses the policy.  Only init's choice matters.
void sched_set_policy(Policy policy);

// Gives domain `dom` `tickets` (1 .. kMaxTickets) under the stride policy,
// from its next turn on; a domain nobody gave tickets has kDefaultTickets.
// Any other number of tickets is ignored.
inline constexpr uint64_t kDefaultTickets = 100;
inline constexpr uint64_t kMaxTickets = 1 << 16;
void sched_set_tickets(uint64_t dom, uint64_t tickets);

// Stride scheduling (Waldspurger and Weihl, 1995).  Each domain has a
// stride, kStride1 / its tickets, and a pass, its place in a virtual time
// that advances by its stride whenever it is picked.  Passes are 32-bit
// and wrap around: a domain with one ticket wraps after 4096 of its turns.
inline constexpr uint32_t kStride1 = 1 << 20;

// What the stride policy remembers between picks (the root scheduler
// keeps one, in UPCALL_DATA).  Zero-initialised is "no domain seen yet".
struct StrideState {
    uint32_t pass[MAX_DOMAINS];
    uint32_t stride[MAX_DOMAINS];   // the stride the domain had at the last pick; 0: not in the table then
    uint64_t tickets[MAX_DOMAINS];  // as sched_set_tickets left them; 0: kDefaultTickets
    uint32_t now;                   // the virtual time: the smallest pass of a domain that could run
};

// One pick of the stride policy over `table` (the domain table, or a
// made-up one), for the root scheduler `self`, which is a candidate when
// Running; every other domain is one when Runnable.  Returns the
// candidate whose turn it is (0 if none) and charges it one stride.
// Over any run of picks each candidate's share of them follows its share
// of the candidates' tickets, and
//  - a domain new to the table (a new child, or a slot reused since the
//    last pick) joins at the current virtual time: it neither waits for
//    the others to catch up with a stale pass nor is owed the turns it
//    missed before it existed;
//  - a domain that could not run (Blocked, Stopped) earns no credit meanwhile;
//  - a change of tickets takes effect at once, for what is left of the
//    domain's current stride too;
//  - the wrap of the 32-bit passes changes nothing.
uint64_t stride_pick(StrideState& state, const volatile DomainInfo table[], uint64_t self);

// Runs the root scheduler on a Timer, Blocked or Exited upcall: gives the
// CPU to the domains the policy picks, one after another, idling with
// yield(SELF) while none can run, until the policy picks init itself;
// then returns, and the upcall resumes init's own context.
void root_schedule(UArea& u);
