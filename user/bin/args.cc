// exolab: lab 5
// user/bin/args.cc: args [WORD...]: prints "args: argc=<n>", each
// argument in brackets, and whether the stack was 16-byte aligned in main
// (System V: rsp + 8 is a multiple of 16 at a function's entry).
#include "lib/libos.h"

int main(int argc, char** argv) {
    printf("args: argc=%d", argc);
    for (int i = 0; i < argc; i++) printf(" [%s]", argv[i]);
    printf("%s\n", argv[argc] == nullptr ? " argv[argc]=null" : " argv[argc] not null");
    uint64_t frame = reinterpret_cast<uint64_t>(__builtin_frame_address(0));
    printf("args: stack %s\n", frame % 16 == 0 ? "aligned" : "misaligned");
    return 0;
}
