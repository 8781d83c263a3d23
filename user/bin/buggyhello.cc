// exolab: lab 3
// user/bin/buggyhello.cc: sys_cputs of unmapped memory.
//
// Hands sys_cputs address 1.  The kernel must refuse with BadAddress, not
// fault; the domain then carries on and exits normally.
#include "lib/libos.h"

int main() {
    int64_t result = sys_cputs(reinterpret_cast<const char*>(1), 1);
    printf("buggyhello: sys_cputs(0x1, 1) returned %ld (%s)\n", result, result_name(result));
    return 0;
}
