// exolab: lab 5
// tools/fs-host/ops_test.cc: the operations of exofs, one group at a time.
#include <cstring>
#include <vector>

#include "host.h"
#include "lib/fs/disk.h"
#include "testing.h"

using namespace exofs;

// The byte at offset i of the big file's pattern.
// The data blocks in use on the disk, after a commit.
static uint32_t used_now() {
    OK(sync());
    return check_image().used_blocks;
}

static uint8_t pattern(uint64_t i) { return static_cast<uint8_t>((i * 7 + i / 4096 * 13) ^ (i >> 11)); }

// format, mount and unmount, and what they refuse.
void test_volume() {
    fresh_volume("volume.img", 1024, 64, 64);
    spit("/kept", "kept");
    OK(unmount());
    FAILS(open("/kept", kRead), Error::IoError);  // nothing mounted
    FAILS(sync(), Error::IoError);
    FAILS(format(2048, 64, 64), Error::InvalidArgument);  // larger than the disk
    FAILS(format(1024, 64, kLogMax + 2), Error::InvalidArgument);
    FAILS(format(1024, 64, 1), Error::InvalidArgument);
    OK(mount());
    CHECK(slurp("/kept") == "kept");
    FAILS(format(1024, 64, 64), Error::Busy);
    OK(unmount());
    FAILS(format(1024, 64, 26), Error::InvalidArgument);  // a journal too small for the reserves
    OK(format(1024, 64, 27));
    OK(mount());
    OK(unmount());
    union {
        SuperBlock sb;
        uint8_t sector[kSectorSize];
    } super;  // another mkfs's journal, too small: mount refuses it
    OK(disk::read(kSuperBlock * 8, 1, super.sector));
    super.sb.log_blocks = 10;
    OK(disk::write(kSuperBlock * 8, 1, super.sector));
    FAILS(mount(), Error::Corrupt);
    host_region_reset();
    std::string zeros(4096, '\0');
    for (uint64_t b = 0; b < 4; b++) OK(disk::write(b * 8, 8, zeros.data()));
    FAILS(mount(), Error::Corrupt);  // not exofs
}

// open and its flags, read, write, pread, pwrite, seek, holes, truncate,
// readdir, unlink, and the errors of each.
void test_files() {
    fresh_volume("files.img", 2048, 256, 64);
    int fd = OK(open("/hello", kRead | kWrite | kCreate));
    CHECK(fd == 0);
    CHECK(OK(write(fd, "hello, world", 12)) == 12);
    CHECK(OK(seek(fd, 0, Whence::Cur)) == 12);
    CHECK(OK(seek(fd, 7, Whence::Set)) == 7);
    char buf[32] = {};
    CHECK(OK(read(fd, buf, sizeof buf)) == 5 && memcmp(buf, "world", 5) == 0);
    CHECK(OK(read(fd, buf, sizeof buf)) == 0);
    CHECK(OK(seek(fd, -5, Whence::End)) == 7);
    FAILS(seek(fd, -100, Whence::Cur), Error::InvalidArgument);
    Stat st = OK(fstat(fd));
    CHECK(st.type == InodeType::File && st.size == 12 && st.nlink == 1 && st.inum > kRootInode);
    OK(close(fd));
    FAILS(close(fd), Error::BadDescriptor);
    FAILS(read(fd, buf, 1), Error::BadDescriptor);
    CHECK(slurp("hello") == "hello, world");
    // Flags and modes.
    FAILS(open("/hello", kRead | kCreate | kExclusive), Error::Exists);
    FAILS(open("/nothing", kRead), Error::NotFound);
    FAILS(open("/hello", 0), Error::InvalidArgument);
    FAILS(open("/hello", kRead | kTruncate), Error::InvalidArgument);
    FAILS(open("/", kWrite), Error::IsDirectory);
    FAILS(open("/", kWrite | kCreate), Error::IsDirectory);
    FAILS(open("", kRead), Error::NotFound);
    fd = OK(open("/hello", kRead));
    FAILS(write(fd, "x", 1), Error::BadDescriptor);
    OK(close(fd));
    fd = OK(open("/hello", kWrite | kAppend));
    OK(write(fd, "!", 1));
    OK(seek(fd, 0, Whence::Set));
    OK(write(fd, "?", 1));  // append ignores the offset
    OK(close(fd));
    CHECK(slurp("/hello") == "hello, world!?");
    fd = OK(open("/hello", kRead | kWrite | kAppend));
    CHECK(OK(pwrite(fd, "W", 1, 7)) == 1);  // at 7 even with kAppend
    CHECK(OK(pread(fd, buf, 5, 7)) == 5 && memcmp(buf, "World", 5) == 0);
    CHECK(OK(pread(fd, buf, 5, 100)) == 0);
    CHECK(OK(seek(fd, 0, Whence::Cur)) == 0);  // neither moved the offset
    OK(close(fd));
    fd = OK(open("/hello", kWrite | kTruncate));
    CHECK(OK(fstat(fd)).size == 0);
    OK(close(fd));
    // Holes, truncate up and down.
    fd = OK(open("/holes", kRead | kWrite | kCreate));
    OK(seek(fd, 3 * 4096 + 10, Whence::Set));
    OK(write(fd, "end", 3));
    std::string h = slurp("/holes");
    CHECK(h.size() == 3 * 4096 + 13 && h.substr(0, 3 * 4096 + 10) == std::string(3 * 4096 + 10, '\0'));
    OK(ftruncate(fd, 5));
    CHECK(OK(stat("/holes")).size == 5);
    OK(truncate("/holes", 9000));
    CHECK(slurp("/holes") == std::string(9000, '\0'));
    FAILS(truncate("/", 0), Error::IsDirectory);
    OK(close(fd));
    fd = OK(open("/", kRead));
    FAILS(read(fd, buf, 1), Error::IsDirectory);
    std::vector<std::string> names;
    DirEntry e;
    while (OK(readdir(fd, &e))) names.push_back(e.name);
    CHECK((names == std::vector<std::string>{".", "..", "hello", "holes"}));
    OK(close(fd));
    OK(unlink("/hello"));
    FAILS(stat("/hello"), Error::NotFound);
    FAILS(unlink("/hello"), Error::NotFound);
    checked("files");
}

// A file through the double-indirect level: written in odd pieces, read
// back (also after a remount), shrunk level by level; a sparse file.
void test_big_file() {
    fresh_volume("big.img", 2048, 64, 64);
    uint32_t free_before = used_now();
    const uint64_t size = 4 * 1024 * 1024 + 48 * 1024 + 12345;  // through double-indirect blocks
    std::vector<uint8_t> data(size);
    for (uint64_t i = 0; i < size; i++) data[i] = pattern(i);
    int fd = OK(open("/big", kRead | kWrite | kCreate));
    for (uint64_t off = 0; off < size;) {  // odd-sized, unaligned pieces
        uint64_t n = std::min<uint64_t>(size - off, 77777);
        CHECK(OK(write(fd, data.data() + off, n)) == n);
        off += n;
    }
    CHECK(OK(fstat(fd)).size == size);
    std::vector<uint8_t> back(size);
    OK(seek(fd, 0, Whence::Set));
    CHECK(OK(read(fd, back.data(), size)) == size && back == data);
    // Rewrite one byte in each level, read at odd offsets.
    for (uint64_t at : {uint64_t(5), uint64_t(12 * 4096 + 1), uint64_t(1036 * 4096 + 3), size - 1}) {
        OK(seek(fd, static_cast<int64_t>(at), Whence::Set));
        OK(write(fd, "Z", 1));
        data[at] = 'Z';
    }
    OK(seek(fd, 1036 * 4096 - 100, Whence::Set));
    uint8_t piece[300];
    CHECK(OK(read(fd, piece, 300)) == 300 && memcmp(piece, data.data() + 1036 * 4096 - 100, 300) == 0);
    CheckReport r = checked("big file written");
    uint64_t file_blocks = (size + 4095) / 4096;
    CHECK(r.used_blocks == free_before + file_blocks + 3);  // + indirect, double, one second-level
    // Remount: the data is on the disk.
    OK(unmount());
    host_region_reset();
    OK(mount());
    CHECK(slurp("/big") == std::string(data.begin(), data.end()));
    // Shrink into each level, then to nothing: every block comes back.
    for (uint64_t keep : {1036 * 4096ull + 4097, 20 * 4096ull, 5000ull, 0ull}) {
        OK(truncate("/big", keep));
        std::string s = slurp("/big");
        CHECK(s.size() == keep && std::string(data.begin(), data.begin() + keep) == s);
        checked("big file truncated");
    }
    CHECK(used_now() == free_before);
    // Sparse, far out in the double-indirect level, and past the largest file.
    int sparse = OK(open("/sparse", kRead | kWrite | kCreate));
    const uint64_t far = (kDirect + kAddrsPerBlock + 5 * kAddrsPerBlock + 7) * uint64_t(kBlockSize);
    const uint64_t farther = (kDirect + kAddrsPerBlock + 900 * kAddrsPerBlock) * uint64_t(kBlockSize) + 100;
    CHECK(OK(pwrite(sparse, "far", 3, far)) == 3 && OK(pwrite(sparse, "farther", 7, farther)) == 7);
    CHECK(used_now() == free_before + 5);  // the double-indirect block, two second-level, two data
    char got[8] = {};
    CHECK(OK(pread(sparse, got, 7, farther)) == 7 && memcmp(got, "farther", 7) == 0);
    CHECK(OK(pread(sparse, got, 3, far - 1)) == 3 && memcmp(got, "\0fa", 3) == 0);
    CHECK(OK(pread(sparse, got, 4, farther - 4)) == 4 && memcmp(got, "\0\0\0\0", 4) == 0);
    OK(ftruncate(sparse, far + 3));
    CHECK(used_now() == free_before + 3 && OK(fstat(sparse)).size == far + 3);
    FAILS(pwrite(sparse, "x", 1, kMaxFileBlocks * kBlockSize), Error::TooBig);
    FAILS(ftruncate(sparse, kMaxFileBlocks * kBlockSize + 1), Error::TooBig);
    OK(close(sparse));
    OK(unlink("/sparse"));
    CHECK(checked("sparse file").used_blocks == free_before);
}

// Nested directories, path forms, cwd, link counts, rmdir's refusals, a
// directory of several blocks whose freed slots are reused.
void test_directories() {
    fresh_volume("dirs.img", 1024, 256, 64);
    OK(mkdir("/a"));
    OK(mkdir("/a/b"));
    OK(mkdir("a/b/c"));
    FAILS(mkdir("/a"), Error::Exists);
    FAILS(mkdir("/"), Error::Exists);
    FAILS(mkdir("/x/y"), Error::NotFound);
    spit("/a/b/c/f", "deep");
    CHECK(slurp("//a///b/./c/../c/f") == "deep");
    CHECK(slurp("/a/b/c/../../../a/b/c/f/") == "deep");
    CHECK(slurp("/../../a/b/c/f") == "deep");  // the root's ".." is itself
    OK(chdir("/a/b"));
    CHECK(slurp("c/f") == "deep" && slurp("./c/../c/f") == "deep" && slurp("../b/c/f") == "deep");
    FAILS(chdir("c/f"), Error::NotDirectory);
    FAILS(open("c/f/g", kRead), Error::NotDirectory);
    FAILS(open("c/f/g", kWrite | kCreate), Error::NotDirectory);
    std::string long_name(kNameMax + 1, 'n');
    FAILS(open(long_name.c_str(), kWrite | kCreate), Error::NameTooLong);
    spit(std::string(kNameMax, 'm').c_str(), "max");
    OK(chdir("/"));
    CHECK(OK(stat("/a")).nlink == 3 && OK(stat("/a/b/c")).nlink == 2 && OK(stat("/")).nlink == 3);
    FAILS(rmdir("/a"), Error::NotEmpty);
    FAILS(rmdir("/a/b/c/f"), Error::NotDirectory);
    FAILS(rmdir("/a/."), Error::InvalidArgument);
    FAILS(rmdir("/a/.."), Error::InvalidArgument);
    FAILS(rmdir("/"), Error::Busy);
    FAILS(unlink("/a/b"), Error::IsDirectory);
    OK(unlink("/a/b/c/f"));
    OK(rmdir("/a/b/c"));
    CHECK(OK(stat("/a/b")).nlink == 2);
    checked("directories");
    // A directory over several blocks; freed slots are reused.
    OK(mkdir("/many"));
    char name[32];
    for (int i = 0; i < 150; i++) {
        snprintf(name, sizeof name, "/many/file%03d", i);
        spit(name, name);
    }
    uint64_t size = OK(stat("/many")).size;
    CHECK(size == 152 * sizeof(DirEntry));
    for (int i = 0; i < 150; i += 3) {
        snprintf(name, sizeof name, "/many/file%03d", i);
        OK(unlink(name));
    }
    for (int i = 0; i < 50; i++) {
        snprintf(name, sizeof name, "/many/new%03d", i);
        spit(name, name);
    }
    CHECK(OK(stat("/many")).size == size);
    CHECK(slurp("/many/file149") == "/many/file149" && slurp("/many/new049") == "/many/new049");
    checked("big directory");
}

// rename of files and directories, within and across directories, over
// a file, and its refusals.
void test_rename() {
    fresh_volume("rename.img", 1024, 128, 64);
    OK(mkdir("/d1"));
    OK(mkdir("/d2"));
    OK(mkdir("/d1/sub"));
    spit("/d1/f", "one");
    spit("/d2/g", "two, longer");
    OK(exofs::rename("/d1/f", "/d1/f2"));
    CHECK(slurp("/d1/f2") == "one");
    FAILS(stat("/d1/f"), Error::NotFound);
    OK(exofs::rename("/d1/f2", "/d2/f"));  // across directories
    CHECK(slurp("/d2/f") == "one");
    uint32_t used = used_now();
    OK(exofs::rename("/d2/f", "/d2/g"));  // replaces g, whose block is freed
    CHECK(slurp("/d2/g") == "one");
    FAILS(stat("/d2/f"), Error::NotFound);
    CHECK(checked("rename over a file").used_blocks == used - 1);
    OK(exofs::rename("/d2/g", "/d2/g"));
    FAILS(exofs::rename("/d2/nothing", "/d2/x"), Error::NotFound);
    FAILS(exofs::rename("/d2/g", "/d1"), Error::IsDirectory);
    FAILS(exofs::rename("/d1", "/d2/g"), Error::NotDirectory);
    FAILS(exofs::rename("/d1", "/d2"), Error::Exists);
    FAILS(exofs::rename("/d1", "/d1/sub/inside"), Error::InvalidArgument);
    FAILS(exofs::rename("/d1", "/d1/inside"), Error::InvalidArgument);
    FAILS(exofs::rename("/d1/.", "/d3"), Error::InvalidArgument);
    FAILS(exofs::rename("/", "/d3"), Error::InvalidArgument);
    // A directory across directories: ".." and the link counts follow.
    spit("/d1/sub/h", "three");
    OK(exofs::rename("/d1/sub", "/d2/moved"));
    CHECK(slurp("/d2/moved/h") == "three" && slurp("/d2/moved/../g") == "one");
    CHECK(OK(stat("/d1")).nlink == 2 && OK(stat("/d2")).nlink == 3);
    OK(exofs::rename("/d2/moved", "/top"));
    CHECK(OK(stat("/")).nlink == 5 && slurp("/top/../d2/g") == "one");
    checked("rename");
}

// dup, dup_into, shared and separate offsets, unlink while open, a full fd
// table, close_all.
void test_descriptors() {
    fresh_volume("fds.img", 1024, 128, 64);
    spit("/f", "0123456789");
    int a = OK(open("/f", kRead | kWrite));
    int b = OK(dup(a));
    CHECK(b == a + 1);
    char c[4] = {};
    OK(read(a, c, 3));
    OK(read(b, c, 3));  // the offset is shared
    CHECK(memcmp(c, "345", 3) == 0);
    int other = OK(open("/f", kRead));
    CHECK(OK(read(other, c, 1)) == 1 && c[0] == '0');  // another open file: its own offset
    OK(dup_into(other, 10));
    FAILS(dup_into(a, 10), Error::Busy);  // 10 is open: io::dup2 closes it first
    OK(close(10));
    OK(dup_into(a, 10));
    CHECK(OK(seek(10, 0, Whence::Cur)) == 6);
    FAILS(dup_into(a, kMaxFds), Error::BadDescriptor);
    FAILS(dup_into(kMaxFds - 1, 11), Error::BadDescriptor);
    FAILS(dup(kMaxFds - 1), Error::BadDescriptor);
    OK(close(a));
    CHECK(OK(read(b, c, 1)) == 1 && c[0] == '6');
    // Unlinked while open: readable until the last close, then freed.
    uint32_t used = used_now();
    OK(unlink("/f"));
    FAILS(stat("/f"), Error::NotFound);
    CHECK(OK(read(10, c, 2)) == 2 && memcmp(c, "78", 2) == 0);
    OK(close(b));
    OK(close(10));
    OK(sync());
    CHECK(used_now() == used);
    OK(close(other));
    CHECK(checked("descriptors").used_blocks == used - 1);
    // The fd table fills.
    spit("/g", "g");
    std::vector<int> fds;
    for (;;) {
        Result<int> r = open("/g", kRead);
        if (!r) {
            CHECK(r.error() == Error::NoMemory);
            break;
        }
        fds.push_back(r.value());
    }
    CHECK(fds.size() == kMaxFds);
    OK(close_all());
    for (int fd : fds) FAILS(close(fd), Error::BadDescriptor);
    CHECK(OK(open("/g", kRead)) == 0);
    OK(close(0));
}

// Two domains (two Files) over one region, and a fork's shared offsets.
void test_domains() {
    fresh_volume("domains.img", 1024, 128, 64);
    Files first{}, second{};
    set_files(&first);
    int fd = OK(open("/shared", kRead | kWrite | kCreate));
    OK(write(fd, "from the first", 14));
    // The second domain sees the write at once, through the one cache.
    set_files(&second);
    CHECK(slurp("/shared") == "from the first");
    int fd2 = OK(open("/shared", kWrite | kAppend));
    OK(write(fd2, "+second", 7));
    set_files(&first);
    OK(seek(fd, 0, Whence::Set));
    char buf[32] = {};
    CHECK(OK(read(fd, buf, sizeof buf)) == 21 && memcmp(buf, "from the first+second", 21) == 0);
    // A fork: the child's fds are a copy, their open files (offsets) shared.
    share_files(first);
    Files child = first;
    OK(seek(fd, 0, Whence::Set));
    set_files(&child);
    OK(write(fd, "FROM", 4));
    set_files(&first);
    CHECK(OK(seek(fd, 0, Whence::Cur)) == 4);
    OK(close(fd));
    set_files(&child);
    CHECK(OK(read(fd, buf, 4)) == 4 && memcmp(buf, " the", 4) == 0);  // still open in the child
    OK(close(fd));
    set_files(&second);
    OK(close(fd2));
    checked("two domains");
}

// What survives a crash: synced data; not unsynced data; orphans freed.
void test_durability() {
    fresh_volume("durable.img", 1024, 128, 64);
    spit("/kept", "synced before the crash");
    OK(mkdir("/dir"));
    spit("/dir/kept", "this too");
    OK(sync());
    spit("/lost", "never synced");
    OK(unlink("/dir/kept"));
    crash_and_remount();
    CHECK(slurp("/kept") == "synced before the crash" && slurp("/dir/kept") == "this too");
    FAILS(stat("/lost"), Error::NotFound);
    checked("after a crash");
    // A clean unmount keeps everything.
    spit("/later", "after");
    OK(unmount());
    crash_and_remount();
    CHECK(slurp("/later") == "after");
    OK(mount());  // mounted already: nothing to do
    CHECK(slurp("/later") == "after");
    // An unlinked file still open at the crash is freed by the next mount.
    uint32_t used = used_now();
    int fd = OK(open("/orphan", kWrite | kCreate));
    OK(write(fd, std::string(10000, 'o').data(), 10000));
    OK(unlink("/orphan"));
    OK(sync());
    CHECK(check_image().problems.size() == 1);  // "allocated but unreachable"
    crash_and_remount();
    CHECK(checked("orphan reclaimed").used_blocks == used);
}

// A full disk and a full inode table: NoSpace, and nothing leaks.
void test_no_space() {
    fresh_volume("full.img", 256, 32, 64);
    uint32_t used = used_now();
    std::string chunk(4096, 'x');
    int fd = OK(open("/fill", kWrite | kCreate));
    uint64_t total = 0;
    for (;;) {
        Result<uint64_t> r = write(fd, chunk.data(), chunk.size());
        if (!r) {
            CHECK(r.error() == Error::NoSpace);
            break;
        }
        total += r.value();
        if (r.value() < chunk.size()) break;
    }
    CHECK(total > 150 * 4096);
    OK(close(fd));
    checked("disk full");
    FAILS(mkdir("/more"), Error::NoSpace);
    int n = 0;
    char name[16];
    for (;; n++) {  // inodes run out too (the directory has room)
        snprintf(name, sizeof name, "/e%d", n);
        Result<int> r = open(name, kWrite | kCreate);
        if (!r) {
            CHECK(r.error() == Error::NoSpace);
            break;
        }
        OK(close(r.value()));
    }
    CHECK(n > 20);
    checked("inodes full");
    OK(unlink("/fill"));
    for (int i = 0; i < n; i++) {
        snprintf(name, sizeof name, "/e%d", i);
        OK(unlink(name));
    }
    CHECK(checked("emptied").used_blocks == used);
}
