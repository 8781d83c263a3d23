// exolab: lab 3
// user/bin/faultwrite.cc: a user-mode store to address 0.
//
// Address 0 is the unmapped null guard: the page fault kills this domain.
#include "lib/libos.h"
#include "lib/x86.h"

namespace {

constexpr uint64_t kAddress = 0;  // below USER_BASE: never mapped

}  // namespace

int main() {
    printf("faultwrite: writing %016lx\n", kAddress);
    store_to(kAddress, 0x5a5a5a5a);
    printf("faultwrite: still alive after writing\n");
    return 0;
}
