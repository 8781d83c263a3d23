// exolab: lab 3
// user/bin/faultread.cc: a user-mode load from address 0.
//
// Address 0 is the unmapped null guard: the page fault kills this domain.
#include "lib/libos.h"
#include "lib/x86.h"

namespace {

constexpr uint64_t kAddress = 0;  // below USER_BASE: never mapped

}  // namespace

int main() {
    printf("faultread: reading %016lx\n", kAddress);
    uint64_t value = load_from(kAddress);
    printf("faultread: read %lx: still alive\n", value);
    return 0;
}
