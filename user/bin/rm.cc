// exolab: lab 5
// user/bin/rm.cc: rm PATH...: removes each file name (a directory: with rmdir's rules).
#include "lib/fs/fs.h"
#include "lib/libos.h"

namespace {

// unlink, or rmdir for a directory.
Result<void> remove(const char* path) {
    Result<exofs::Stat> st = exofs::stat(path);
    if (st && st.value().type == exofs::InodeType::Directory) return exofs::rmdir(path);
    return exofs::unlink(path);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        printf("usage: rm PATH...\n");
        return 1;
    }
    int status = 0;
    for (int i = 1; i < argc; i++) {
        if (Result<void> r = remove(argv[i]); !r) {
            printf("rm: %s: %s\n", argv[i], r.error() == Error::NotFound ? "no such file or directory" : error_name(r.error()));
            status = 1;
        }
    }
    return status;
}
