// exolab: lab 4
// user/lib/thread.h: user-level threads in the libOS (DESIGN §3.3, §3.4).
//
// The kernel knows nothing of threads: it gives the domain the CPU, and the
// Resume upcall that follows every preemption lands in this library, which
// saves the interrupted context (u.context) into the running thread and
// resumes the next ready thread in its place (round-robin).  A thread that
// yields, blocks or exits switches the same way, with upcalls masked by
// hand.  The first thread_create turns the calling context into thread 0.
//
// Stacks: thread slot i (1 .. kMaxThreads-1) owns the kThreadSlotSize bytes
// at kThreadStacks + i * kThreadSlotSize, of which the top kThreadStackPages
// pages are mapped (fresh frames, on first use of the slot; kept for reuse
// once the thread is joined) and the rest is an unmapped guard that catches
// an overflow.  Thread 0 keeps the stack it had.
//
//   kThreadStacks + (i+1) * kThreadSlotSize  +---------------------+  top of thread i's stack
//                                            | kThreadStackPages   |  RW, NX
//                                            +---------------------+
//                                            | unmapped guard      |
//   kThreadStacks + i * kThreadSlotSize      +---------------------+
//
// Limits: none of these may be called from an upcall handler (they mask
// upcalls themselves), and fork copies a domain with all its threads'
// state but only the caller's stack pages private: fork only while one
// thread exists.
#pragma once

#include <cstdint>

inline constexpr uint64_t kMaxThreads = 16;
inline constexpr uint64_t kThreadStacks = 0x00007EFF00000000;  // below the fork scratch page
inline constexpr uint64_t kThreadSlotSize = 0x10000;
inline constexpr uint64_t kThreadStackPages = 8;

using ThreadFn = void (*)(void* arg);

// Starts a thread running fn(arg) on its own stack; it becomes ready and
// runs when the running thread yields, blocks or is preempted.  Returning
// from fn is thread_exit.  Returns the thread's id (1 .. kMaxThreads-1),
// or -NoMemory (negated) when no slot is free or its stack cannot be mapped.
int64_t thread_create(ThreadFn fn, void* arg);

// The running thread's id (0 for the domain's first context).
uint64_t thread_self();

// Lets the other ready threads of this domain run first; returns at once
// if there are none.
void thread_yield();

// Ends the running thread; a thread_join waiting for it returns.  When the
// last thread exits, the domain exits.  Panics ("deadlock") if threads
// remain but all are blocked.
[[noreturn]] void thread_exit();

// Waits until thread `id` has exited and frees its slot.  Returns 0, or
// -InvalidArgument (negated) if id is the caller, not a thread, or already
// joined or being joined.
int64_t thread_join(uint64_t id);

// A FIFO of blocked threads (internal to Mutex and Cond; ids + 1, 0 = none).
struct ThreadQueue {
    uint64_t head, tail;
};

// A mutual-exclusion lock; zero-initialised is unlocked.  Unlock hands the
// lock straight to the longest waiter.  Its operations write it before
// masking upcalls, so it may live in copy-on-write memory (aligned so
// that it never straddles two pages: the write that copies one page must
// copy all of it).
struct alignas(32) Mutex {
    uint64_t owner;  // id + 1 of the holder; 0: unlocked
    ThreadQueue waiters;
};

// Takes m, blocking while another thread holds it.  Panics if the caller
// already holds it.
void mutex_lock(Mutex& m);
// Releases m, which the caller must hold (else it panics).
void mutex_unlock(Mutex& m);

// A condition variable; zero-initialised has no waiters.  Copy-on-write
// memory is fine, as for Mutex.
struct alignas(16) Cond {
    ThreadQueue waiters;
};

// Releases m (held by the caller), sleeps until signalled, then takes m
// again before returning.  As usual, recheck the condition in a loop.
void cond_wait(Cond& c, Mutex& m);
// Wakes the longest waiter, if any.
void cond_signal(Cond& c);
// Wakes every waiter.
void cond_broadcast(Cond& c);
