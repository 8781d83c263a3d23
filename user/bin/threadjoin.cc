// exolab: lab 4
// user/bin/threadjoin.cc: the life of a thread (lib/thread.h): create,
// exit, join.
//
// Prints one "threadjoin: " line per check:
//  1. a thread's function starts with its argument, on a stack aligned as
//     the System V ABI promises at a call (rsp + 8 a multiple of 16);
//  2. join of a thread that already exited, and of one still running
//     (the joiner waits), both 0, after which the thread's work is done;
//  3. join refuses: itself, a slot never used, an id past the table, a
//     thread joined already, and a second joiner of one thread;
//  4. 40 threads created and joined one after another: slots are reused;
//  5. the first context exits with a thread still running: the domain
//     lives on until that thread exits too, then exits normally.
#include "abi/error.h"
#include "lib/libos.h"
#include "lib/thread.h"

namespace {

volatile uint64_t seen_arg = 0, seen_alignment = 1, finished = 0, spins_done = 0;

// Records its argument and whether its stack is aligned as at a call.
[[gnu::noinline]] void record(void* arg) {
    seen_arg = reinterpret_cast<uint64_t>(arg);
    seen_alignment = reinterpret_cast<uint64_t>(__builtin_frame_address(0)) % 16;  // rbp = entry rsp - 8
    finished = finished + 1;
}

// Yields a while before it finishes, so that a joiner must wait.
void slow(void*) {
    for (int i = 0; i < 20; i++) thread_yield();
    finished = finished + 1;
}

void spin_then_report(void*) {
    for (int i = 0; i < 50; i++) thread_yield();
    printf("threadjoin: the last thread exits\n");
}

void nothing(void*) {}

int64_t must_create(ThreadFn fn, void* arg) {
    int64_t id = thread_create(fn, arg);
    if (id < 0) panic("thread_create: %s", result_name(id));
    return id;
}

}  // namespace

int main() {
    int64_t a = must_create(record, reinterpret_cast<void*>(0x1234));
    thread_yield();  // a runs to its end
    printf("threadjoin: argument %lx, stack misaligned by %lu\n", seen_arg, seen_alignment);
    const char* joined_exited = result_name(thread_join(static_cast<uint64_t>(a)));
    printf("threadjoin: join exited %s, finished %lu\n", joined_exited, finished);

    int64_t b = must_create(slow, nullptr);
    const char* joined_running = result_name(thread_join(static_cast<uint64_t>(b)));
    printf("threadjoin: join running %s, finished %lu\n", joined_running, finished);

    int64_t c = must_create(slow, nullptr);
    int64_t d = must_create([](void* other) { (void)thread_join(reinterpret_cast<uint64_t>(other)); },
                            reinterpret_cast<void*>(c));
    thread_yield();  // d now waits for c
    printf("threadjoin: join self %s, unused %s, past the table %s, second joiner %s\n",
           result_name(thread_join(thread_self())), result_name(thread_join(kMaxThreads - 1)),
           result_name(thread_join(kMaxThreads + (1ull << 32))), result_name(thread_join(static_cast<uint64_t>(c))));
    (void)thread_join(static_cast<uint64_t>(d));
    printf("threadjoin: joined twice %s\n", result_name(thread_join(static_cast<uint64_t>(d))));

    uint64_t joined = 0;
    for (int i = 0; i < 40; i++) {
        if (thread_join(static_cast<uint64_t>(must_create(nothing, nullptr))) == 0) joined++;
    }
    printf("threadjoin: created and joined %lu threads\n", joined);

    (void)must_create(spin_then_report, nullptr);
    printf("threadjoin: the first context exits\n");
    thread_exit();
}
