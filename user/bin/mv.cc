// exolab: lab 5
// user/bin/mv.cc: mv FROM TO: renames (a file at TO is replaced).
#include "lib/fs/fs.h"
#include "lib/libos.h"

int main(int argc, char** argv) {
    if (argc != 3) {
        printf("usage: mv FROM TO\n");
        return 1;
    }
    if (Result<void> r = exofs::rename(argv[1], argv[2]); !r) {
        printf("mv: %s -> %s: %s\n", argv[1], argv[2], r.error() == Error::NotFound ? "no such file or directory" : error_name(r.error()));
        return 1;
    }
    return 0;
}
