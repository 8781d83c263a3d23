// exolab: lab 5
// user/bin/mkdir.cc: mkdir DIR...: makes each directory.
#include "lib/fs/fs.h"
#include "lib/libos.h"

int main(int argc, char** argv) {
    if (argc < 2) {
        printf("usage: mkdir PATH...\n");
        return 1;
    }
    int status = 0;
    for (int i = 1; i < argc; i++) {
        if (Result<void> r = exofs::mkdir(argv[i]); !r) {
            printf("mkdir: %s: %s\n", argv[i], r.error() == Error::NotFound ? "no such file or directory" : error_name(r.error()));
            status = 1;
        }
    }
    return status;
}
