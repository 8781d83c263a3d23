// exolab: lab 5
// user/bin/cat.cc: cat [FILE...]: copies each file (none: fd 0) to fd 1.
#include "lib/fs/fs.h"
#include "lib/io.h"
#include "lib/libos.h"

namespace {

char buffer[4096];

// Copies fd to fd 1 until its end.  False (after a message) on an error.
bool copy(int fd, const char* name) {
    for (;;) {
        Result<uint64_t> got = io::read(fd, buffer, sizeof buffer);
        if (!got) {
            printf("cat: %s: %s\n", name, error_name(got.error()));
            return false;
        }
        if (got.value() == 0) return true;
        if (!io::write(1, buffer, got.value())) return false;
    }
}

}  // namespace

int main(int argc, char** argv) {
    int status = 0;
    if (argc < 2 && !copy(0, "stdin")) status = 1;
    for (int i = 1; i < argc; i++) {
        Result<int> fd = exofs::open(argv[i], exofs::kRead);
        if (!fd) {
            printf("cat: %s: %s\n", argv[i], fd.error() == Error::NotFound ? "no such file or directory" : error_name(fd.error()));
            status = 1;
            continue;
        }
        if (!copy(fd.value(), argv[i])) status = 1;
        (void)io::close(fd.value());
    }
    return status;
}
