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

#include "abi/uarea.h"

enum class Policy {
    RoundRobin,  // each runnable domain in turn, in id order (the default)
    Stride,      // shares in proportion to tickets (sched_set_tickets)
};

// Chooses the policy.  Only init's choice matters.
void sched_set_policy(Policy policy);

// Gives domain `dom` `tickets` (>= 1) under the stride policy; a domain
// nobody gave tickets has kDefaultTickets.
inline constexpr uint64_t kDefaultTickets = 100;
void sched_set_tickets(uint64_t dom, uint64_t tickets);

// Runs the root scheduler on a Timer, Blocked or Exited upcall: gives the
// CPU to the domains the policy picks, one after another, idling with
// yield(SELF) while none can run, until the policy picks init itself;
// then returns, and the upcall resumes init's own context.
void root_schedule(UArea& u);
