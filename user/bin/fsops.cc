// exolab: lab 5
// user/bin/fsops.cc: exofs's operations, one self-test each (DESIGN §3.5).
//
// Run as init on a fresh image made by tools/mkfs.  It takes the disk's
// ports, mounts, and runs each check below in its own directory, printing
// "fsops: <check>: ok" or "fsops: <check>: FAILED at line <n>: <what>".  A
// failed check does not stop the others.  Last, it syncs and prints
// "fsops: done".
#include "lib/fs/disk.h"
#include "lib/fs/fs.h"
#include "lib/libos.h"

namespace {

using namespace exofs;

char failure[160];

// Records the first failure of a check and makes it return.
#define EXPECT(cond)                                                                 \
    do {                                                                             \
        if (!(cond)) {                                                               \
            snprintf(failure, sizeof(failure), "line %d: %s", __LINE__, #cond);       \
            return false;                                                            \
        }                                                                            \
    } while (0)

// The value of a Result that must succeed, else a failure naming its error.
#define MUST_OK(expr)                                                                                   \
    ({                                                                                                  \
        auto r_ = (expr);                                                                               \
        if (!r_.ok()) {                                                                                 \
            snprintf(failure, sizeof(failure), "line %d: %s: %s", __LINE__, #expr, error_name(r_.error())); \
            return false;                                                                               \
        }                                                                                               \
        r_.value();                                                                                     \
    })

// The error a Result that must fail failed with (Error(0) on success).
template <typename T>
Error error_of(Result<T> r) {
    return r.ok() ? Error(0) : r.error();
}

bool same(const char* a, const char* b, uint64_t n) { return memcmp(a, b, n) == 0; }

bool check_create() {
    int fd = MUST_OK(open("/create/a", kCreate | kWrite));
    Stat st = MUST_OK(fstat(fd));
    EXPECT(st.type == InodeType::File && st.size == 0 && st.nlink == 1);
    EXPECT(error_of(open("/create/a", kCreate | kExclusive | kWrite)) == Error::Exists);
    EXPECT(error_of(open("/create/missing", kRead)) == Error::NotFound);
    EXPECT(error_of(open("/create/a", 0)) == Error::InvalidArgument);
    MUST_OK(close(fd));
    EXPECT(error_of(close(fd)) == Error::BadDescriptor);
    return true;
}

bool check_write_read() {
    int fd = MUST_OK(open("/write_read/f", kCreate | kRead | kWrite));
    const char text[] = "exokernels export hardware, not abstractions";
    EXPECT(MUST_OK(write(fd, text, sizeof(text))) == sizeof(text));
    char back[64] = {};
    EXPECT(MUST_OK(read(fd, back, sizeof(back))) == 0);  // at the end
    MUST_OK(seek(fd, 0, Whence::Set));
    EXPECT(MUST_OK(read(fd, back, sizeof(back))) == sizeof(text) && same(back, text, sizeof(text)));
    EXPECT(MUST_OK(pread(fd, back, 4, 10)) == 4 && same(back, text + 10, 4));
    MUST_OK(close(fd));
    fd = MUST_OK(open("/write_read/f", kRead));
    EXPECT(error_of(write(fd, text, 1)) == Error::BadDescriptor);  // not open for writing
    MUST_OK(close(fd));
    return true;
}

bool check_seek() {
    int fd = MUST_OK(open("/seek/f", kCreate | kRead | kWrite));
    MUST_OK(write(fd, "0123456789", 10));
    EXPECT(MUST_OK(seek(fd, -3, Whence::End)) == 7);
    EXPECT(MUST_OK(seek(fd, 1, Whence::Cur)) == 8);
    EXPECT(error_of(seek(fd, -9, Whence::Cur)) == Error::InvalidArgument);
    EXPECT(MUST_OK(seek(fd, 8192 + 5, Whence::Set)) == 8197);  // a hole
    MUST_OK(write(fd, "x", 1));
    char back[16];
    EXPECT(MUST_OK(pread(fd, back, 4, 4096)) == 4 && back[0] == 0 && back[3] == 0);
    EXPECT(MUST_OK(fstat(fd)).size == 8198);
    MUST_OK(close(fd));
    return true;
}

bool check_append() {
    int fd = MUST_OK(open("/append/log", kCreate | kWrite | kAppend));
    MUST_OK(write(fd, "one ", 4));
    MUST_OK(seek(fd, 0, Whence::Set));
    MUST_OK(write(fd, "two", 3));  // still at the end
    MUST_OK(close(fd));
    fd = MUST_OK(open("/append/log", kRead));
    char back[8] = {};
    EXPECT(MUST_OK(read(fd, back, sizeof(back))) == 7 && same(back, "one two", 7));
    MUST_OK(close(fd));
    return true;
}

bool check_truncate() {
    int fd = MUST_OK(open("/truncate/f", kCreate | kRead | kWrite));
    static char block[10000];
    memset(block, 'z', sizeof(block));
    MUST_OK(write(fd, block, sizeof(block)));
    MUST_OK(ftruncate(fd, 100));
    EXPECT(MUST_OK(fstat(fd)).size == 100);
    MUST_OK(truncate("/truncate/f", 5000));  // grows with zeros
    char back[8];
    EXPECT(MUST_OK(pread(fd, back, 1, 99)) == 1 && back[0] == 'z');
    EXPECT(MUST_OK(pread(fd, back, 1, 100)) == 1 && back[0] == 0);
    EXPECT(MUST_OK(pread(fd, back, 8, 4999)) == 1);
    MUST_OK(close(fd));
    fd = MUST_OK(open("/truncate/f", kWrite | kTruncate));
    EXPECT(MUST_OK(fstat(fd)).size == 0);
    MUST_OK(close(fd));
    return true;
}

bool check_unlink() {
    int fd = MUST_OK(open("/unlink/f", kCreate | kRead | kWrite));
    MUST_OK(write(fd, "still here", 10));
    MUST_OK(unlink("/unlink/f"));
    EXPECT(error_of(open("/unlink/f", kRead)) == Error::NotFound);
    char back[10];
    EXPECT(MUST_OK(pread(fd, back, 10, 0)) == 10 && same(back, "still here", 10));  // open: not gone yet
    MUST_OK(close(fd));
    EXPECT(error_of(unlink("/unlink/f")) == Error::NotFound);
    EXPECT(error_of(unlink("/unlink")) == Error::IsDirectory);
    return true;
}

bool check_mkdir_rmdir() {
    MUST_OK(mkdir("/mkdir_rmdir/a"));
    MUST_OK(mkdir("/mkdir_rmdir/a/b"));
    EXPECT(error_of(mkdir("/mkdir_rmdir/a")) == Error::Exists);
    EXPECT(error_of(mkdir("/mkdir_rmdir/none/c")) == Error::NotFound);
    EXPECT(MUST_OK(stat("/mkdir_rmdir/a")).nlink == 3);  // its entry, ".", b's ".."
    EXPECT(error_of(rmdir("/mkdir_rmdir/a")) == Error::NotEmpty);
    MUST_OK(rmdir("/mkdir_rmdir/a/b"));
    EXPECT(MUST_OK(stat("/mkdir_rmdir/a")).nlink == 2);
    int fd = MUST_OK(open("/mkdir_rmdir/a/file", kCreate | kWrite));
    MUST_OK(close(fd));
    EXPECT(error_of(rmdir("/mkdir_rmdir/a/file")) == Error::NotDirectory);
    EXPECT(error_of(rmdir("/mkdir_rmdir/a/.")) == Error::InvalidArgument);
    EXPECT(error_of(rmdir("/")) == Error::Busy);
    MUST_OK(unlink("/mkdir_rmdir/a/file"));
    MUST_OK(rmdir("/mkdir_rmdir/a"));
    EXPECT(error_of(stat("/mkdir_rmdir/a")) == Error::NotFound);
    return true;
}

bool check_paths() {
    MUST_OK(mkdir("/paths/x"));
    MUST_OK(mkdir("/paths/x/y"));
    int fd = MUST_OK(open("//paths/./x/y/../y//f", kCreate | kWrite));
    MUST_OK(close(fd));
    EXPECT(MUST_OK(stat("/paths/x/y/f")).type == InodeType::File);
    EXPECT(MUST_OK(stat("/paths/x/y/..")).inum == MUST_OK(stat("/paths/x")).inum);
    EXPECT(MUST_OK(stat("/..")).inum == kRootInode);
    MUST_OK(chdir("/paths/x"));
    EXPECT(MUST_OK(stat("y/f")).type == InodeType::File);
    MUST_OK(chdir("/"));
    EXPECT(error_of(stat("/paths/x/y/f/z")) == Error::NotDirectory);
    char name[80];
    memset(name, 'n', sizeof(name));
    name[0] = '/', name[sizeof(name) - 1] = '\0';
    EXPECT(error_of(open(name, kCreate | kWrite)) == Error::NameTooLong);
    EXPECT(error_of(open("/paths/x", kWrite)) == Error::IsDirectory);
    return true;
}

bool check_rename() {
    int fd = MUST_OK(open("/rename/a", kCreate | kWrite));
    MUST_OK(write(fd, "A", 1));
    MUST_OK(close(fd));
    fd = MUST_OK(open("/rename/b", kCreate | kWrite));
    MUST_OK(write(fd, "BB", 2));
    MUST_OK(close(fd));
    MUST_OK(rename("/rename/a", "/rename/b"));  // replaces b
    EXPECT(error_of(stat("/rename/a")) == Error::NotFound);
    EXPECT(MUST_OK(stat("/rename/b")).size == 1);
    MUST_OK(mkdir("/rename/d"));
    MUST_OK(mkdir("/rename/e"));
    MUST_OK(rename("/rename/d", "/rename/e/d"));  // a directory, across directories
    EXPECT(MUST_OK(stat("/rename/e/d/..")).inum == MUST_OK(stat("/rename/e")).inum);
    EXPECT(MUST_OK(stat("/rename/e")).nlink == 3 && MUST_OK(stat("/rename")).nlink == 3);
    EXPECT(error_of(rename("/rename/e", "/rename/e/d/inside")) == Error::InvalidArgument);
    EXPECT(error_of(rename("/rename/nothing", "/rename/x")) == Error::NotFound);
    return true;
}

bool check_readdir() {
    const char* names[] = {"alpha", "beta", "gamma"};
    for (const char* n : names) {
        char path[40];
        snprintf(path, sizeof(path), "/readdir/%s", n);
        MUST_OK(close(MUST_OK(open(path, kCreate | kWrite))));
    }
    int fd = MUST_OK(open("/readdir", kRead));
    DirEntry e;
    int seen = 0, dots = 0;
    while (MUST_OK(readdir(fd, &e))) {
        if (strcmp(e.name, ".") == 0 || strcmp(e.name, "..") == 0) {
            dots++;
            continue;
        }
        for (const char* n : names) seen += strcmp(e.name, n) == 0;
    }
    EXPECT(seen == 3 && dots == 2);
    MUST_OK(close(fd));
    return true;
}

bool check_dup() {
    int fd = MUST_OK(open("/dup/f", kCreate | kRead | kWrite));
    int copy = MUST_OK(dup(fd));
    EXPECT(copy != fd);
    MUST_OK(write(fd, "abc", 3));
    EXPECT(MUST_OK(seek(copy, 0, Whence::Cur)) == 3);  // one shared offset
    MUST_OK(dup_into(fd, 20));
    EXPECT(error_of(dup_into(copy, 20)) == Error::Busy);
    MUST_OK(close(fd));
    MUST_OK(write(copy, "d", 1));
    char back[4];
    EXPECT(MUST_OK(pread(20, back, 4, 0)) == 4 && same(back, "abcd", 4));
    MUST_OK(close(copy));
    MUST_OK(close(20));
    EXPECT(error_of(dup(20)) == Error::BadDescriptor);
    return true;
}

struct Check {
    const char* name;
    bool (*run)();
};

constexpr Check kChecks[] = {
    {"create", check_create},   {"write_read", check_write_read}, {"seek", check_seek},
    {"append", check_append},   {"truncate", check_truncate},     {"unlink", check_unlink},
    {"mkdir_rmdir", check_mkdir_rmdir}, {"paths", check_paths},   {"rename", check_rename},
    {"readdir", check_readdir}, {"dup", check_dup},
};

}  // namespace

int main() {
    if (Result<void> r = disk::claim_ports(); !r.ok()) panic("claim_ports: %s", error_name(r.error()));
    if (Result<void> r = mount(); !r.ok()) panic("mount: %s", error_name(r.error()));
    for (const Check& c : kChecks) {
        char dir[32];
        snprintf(dir, sizeof(dir), "/%s", c.name);
        bool ok = mkdir(dir).ok() && c.run();
        if (ok) {
            printf("fsops: %s: ok\n", c.name);
        } else {
            printf("fsops: %s: FAILED at %s\n", c.name, failure[0] ? failure : "mkdir");
        }
        failure[0] = '\0';
    }
    if (Result<void> r = sync(); !r.ok()) panic("sync: %s", error_name(r.error()));
    printf("fsops: done\n");
    return 0;
}
