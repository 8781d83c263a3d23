// exolab: lab 5
// user/bin/ls.cc: ls [-l] [PATH...]: the names in each directory (none:
// the cwd), or the file named; -l adds the type, links, inode and size.
#include "lib/fs/fs.h"
#include "lib/libos.h"

namespace {

bool long_form;
int status;  // 1 once a path could not be listed

// Prints one name, with its details under -l.
void show(const char* name, const exofs::Stat& st) {
    if (!long_form) {
        printf("%s\n", name);
        return;
    }
    printf("%c %3u %5u %9lu %s\n", st.type == exofs::InodeType::Directory ? 'd' : '-', st.nlink, st.inum, st.size,
           name);
}

// Lists path.
void list(const char* path) {
    Result<exofs::Stat> st = exofs::stat(path);
    if (!st) {
        printf("ls: %s: %s\n", path, st.error() == Error::NotFound ? "no such file or directory" : error_name(st.error()));
        status = 1;
        return;
    }
    if (st.value().type != exofs::InodeType::Directory) {
        show(path, st.value());
        return;
    }
    Result<int> fd = exofs::open(path, exofs::kRead);
    if (!fd) {
        printf("ls: %s: %s\n", path, error_name(fd.error()));
        status = 1;
        return;
    }
    exofs::DirEntry e;
    for (;;) {
        Result<bool> more = exofs::readdir(fd.value(), &e);
        if (!more || !more.value()) break;
        if (e.name[0] == '.') continue;
        char full[320];
        snprintf(full, sizeof full, "%s/%s", path, e.name);
        Result<exofs::Stat> est = exofs::stat(full);
        if (est) show(e.name, est.value());
    }
    (void)exofs::close(fd.value());
}

}  // namespace

int main(int argc, char** argv) {
    int first = 1;
    if (argc > 1 && strcmp(argv[1], "-l") == 0) {
        long_form = true;
        first = 2;
    }
    if (first >= argc) list(".");
    for (int i = first; i < argc; i++) list(argv[i]);
    return status;
}
