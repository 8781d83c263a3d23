// exolab: lab 5
// user/bin/touch.cc: touch FILE...: creates each file that does not exist (empty).
#include "lib/fs/fs.h"
#include "lib/libos.h"

namespace {

// Opens path, creating it, and closes it again.
Result<void> touch(const char* path) {
    int fd = TRY(exofs::open(path, exofs::kWrite | exofs::kCreate));
    return exofs::close(fd);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        printf("usage: touch PATH...\n");
        return 1;
    }
    int status = 0;
    for (int i = 1; i < argc; i++) {
        if (Result<void> r = touch(argv[i]); !r) {
            printf("touch: %s: %s\n", argv[i], r.error() == Error::NotFound ? "no such file or directory" : error_name(r.error()));
            status = 1;
        }
    }
    return status;
}
