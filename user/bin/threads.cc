// exolab: lab 4
// user/bin/threads.cc: user-level threads under timer preemption (lib/thread.h).
//
// Checks, in order, each printing one "threads: " line:
//  1. kWorkers threads add to one counter under a Mutex, with a slow
//     read-modify-write, until the timer has preempted the domain
//     kPreemptions times; the counter must equal the sum of their own
//     counts (no update lost), and some preemptions must have landed
//     inside the critical section (so the lock was really contended);
//  2. thread_join returns each worker's result, and refuses self and a
//     thread already joined;
//  3. a producer and two consumers pass 1..kItems through a bounded buffer
//     guarded by a Mutex and two Conds: every item arrives exactly once.
#include "abi/domain.h"
#include "lib/libos.h"
#include "lib/windows.h"
#include "lib/thread.h"

namespace {

constexpr uint64_t kWorkers = 4;
constexpr uint64_t kPreemptions = 200;
constexpr uint64_t kItems = 2000;
constexpr uint64_t kSlots = 4;

// This domain's slices ended by the timer so far (the exported table).
uint64_t preemptions() {
    const volatile DomainInfo* table = domain_table();
    return table[sys_self()].preempted;
}

Mutex counter_lock;
volatile uint64_t counter = 0;

struct Work {
    uint64_t added;        // increments this worker made
    uint64_t interrupted;  // critical sections during which the domain was preempted
};
Work work[kWorkers];

// Worker: increments `counter` under counter_lock until the domain has
// been preempted kPreemptions times.
void add(void* arg) {
    Work& w = *static_cast<Work*>(arg);
    while (preemptions() < kPreemptions) {
        mutex_lock(counter_lock);
        uint64_t before = preemptions();
        uint64_t v = counter;
        for (int i = 0; i < 200; i++) asm volatile("");  // widen the window
        counter = v + 1;
        if (preemptions() != before) w.interrupted++;
        mutex_unlock(counter_lock);
        w.added++;
    }
}

void check_counter() {
    int64_t ids[kWorkers];
    for (uint64_t i = 0; i < kWorkers; i++) {
        ids[i] = thread_create(add, &work[i]);
        if (ids[i] < 0) panic("thread_create: %s", result_name(ids[i]));
    }
    uint64_t sum = 0, interrupted = 0;
    for (uint64_t i = 0; i < kWorkers; i++) {
        if (int64_t r = thread_join(static_cast<uint64_t>(ids[i])); r < 0) panic("thread_join: %s", result_name(r));
        sum += work[i].added;
        interrupted += work[i].interrupted;
    }
    printf("threads: counter %lu, increments %lu, preempted in the lock %lu times\n", counter, sum, interrupted);
    printf("threads: join self %s, join again %s\n", result_name(thread_join(thread_self())),
           result_name(thread_join(static_cast<uint64_t>(ids[0]))));
}

Mutex buffer_lock;
Cond not_empty, not_full;
uint64_t buffer[kSlots];
uint64_t count = 0, head = 0;
bool done = false;
uint64_t received[2], received_sum[2];

void produce(void*) {
    for (uint64_t item = 1; item <= kItems; item++) {
        mutex_lock(buffer_lock);
        while (count == kSlots) cond_wait(not_full, buffer_lock);
        buffer[(head + count) % kSlots] = item;
        count++;
        cond_signal(not_empty);
        mutex_unlock(buffer_lock);
    }
    mutex_lock(buffer_lock);
    done = true;
    cond_broadcast(not_empty);
    mutex_unlock(buffer_lock);
}

void consume(void* arg) {
    uint64_t me = reinterpret_cast<uint64_t>(arg);
    for (;;) {
        mutex_lock(buffer_lock);
        while (count == 0 && !done) cond_wait(not_empty, buffer_lock);
        if (count == 0) {
            mutex_unlock(buffer_lock);
            return;
        }
        uint64_t item = buffer[head];
        head = (head + 1) % kSlots;
        count--;
        cond_signal(not_full);
        mutex_unlock(buffer_lock);
        received[me]++;
        received_sum[me] += item;
    }
}

void check_buffer() {
    int64_t ids[3] = {thread_create(consume, reinterpret_cast<void*>(0)),
                      thread_create(consume, reinterpret_cast<void*>(1)), thread_create(produce, nullptr)};
    for (int64_t id : ids) {
        if (id < 0) panic("thread_create: %s", result_name(id));
    }
    for (int64_t id : ids) (void)thread_join(static_cast<uint64_t>(id));
    printf("threads: buffer passed %lu items, sum %lu (expected %lu, %lu)\n", received[0] + received[1],
           received_sum[0] + received_sum[1], kItems, kItems * (kItems + 1) / 2);
}

}  // namespace

int main() {
    check_counter();
    check_buffer();
    return 0;
}
