// exolab: lab 3
// user/bin/hello.cc: the first user program.
//
// Prints from user mode with sys_cputs and asks the kernel who it is with
// sys_self.
#include "lib/libos.h"

int main() {
    printf("hello, world\n");
    printf("i am domain %ld\n", sys_self());
    return 0;
}
