// exolab: lab 5
// user/bin/sync.cc: sync: commits every change to the disk.
#include "lib/fs/fs.h"
#include "lib/libos.h"

int main() {
    if (Result<void> r = exofs::sync(); !r) printf("sync: %s\n", error_name(r.error()));
    return 0;
}
