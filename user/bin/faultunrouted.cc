// exolab: lab 4
// user/bin/faultunrouted.cc: a fault routed to the libOS by hand, with no
// handler behind it (upcall.h).
//
// The u-area is the domain's own page: it sets the divide-error bit of
// fault_vectors itself, without set_fault_handler, then divides by zero.
// The kernel delivers a Fault upcall for vector 0; the libOS's dispatch,
// finding no handler, must say so and end the domain normally rather than
// call through a null pointer (which would fault again, masked, and get
// the domain killed).
#include "lib/libos.h"
#include "lib/upcall.h"

int main() {
    uarea()->fault_vectors |= 1;  // vector 0, divide error
    uint64_t zero = 0, high = 0, low = 1;
    asm volatile("div %2" : "+a"(low), "+d"(high) : "r"(zero));
    printf("faultunrouted: the division went on\n");
    return 0;
}
