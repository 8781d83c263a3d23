// exolab: lab 3
// user/bin/testbss.cc: the loader must give .bss zeroed pages of its own,
// all of them: the array spans many pages past the end of the file.
#include "lib/libos.h"

namespace {

constexpr size_t kWords = 256 * 1024;  // 1 MiB
uint32_t big_array[kWords];

}  // namespace

int main() {
    printf("testbss: checking %zu bytes of bss at %p\n", sizeof(big_array), static_cast<void*>(big_array));
    for (size_t i = 0; i < kWords; i++) {
        if (big_array[i] != 0) panic("big_array[%zu] is %u, not 0", i, big_array[i]);
    }
    for (size_t i = 0; i < kWords; i++) big_array[i] = static_cast<uint32_t>(i);
    for (size_t i = 0; i < kWords; i++) {
        if (big_array[i] != i) panic("big_array[%zu] is %u, not %zu", i, big_array[i], i);
    }
    printf("testbss: ok\n");
    return 0;
}
