// exolab: lab 5
// tools/fs-host/fsput.cc: fsput IMAGE DIR: makes the files of an exofs
// image match DIR's: each regular file of DIR whose bytes the image does
// not already hold at the same path is written there (directories made as
// needed); every other file of the image is left as it is.  Through the
// libOS's own exofs, built for the host: one transaction per operation,
// then a sync, so the image is never left half-changed.
//
// make qemu runs it before each boot, so that the kept disk (whose files
// are the user's) holds the programs just built.  Exit status 0, or 1
// after a message naming the file and the error.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "host.h"
#include "lib/fs/fd.h"
#include "lib/fs/fs.h"

namespace {

const char* image_path;
int updated;

// Prints "fsput: IMAGE: <what>: <error>" and returns false.
bool failed(const std::string& what, Error e) {
    fprintf(stderr, "fsput: %s: %s: %s\n", image_path, what.c_str(), error_name(e));
    return false;
}

// Reads the whole host file at path into bytes.
bool read_host(const std::string& path, std::vector<uint8_t>& bytes) {
    int fd = ::open(path.c_str(), O_RDONLY);
    if (fd < 0) return false;
    bytes.clear();
    uint8_t buf[65536];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0) bytes.insert(bytes.end(), buf, buf + n);
    ::close(fd);
    return n == 0;
}

// Whether the image's file at path holds exactly `bytes`.
bool holds(const std::string& path, const std::vector<uint8_t>& bytes) {
    Result<exofs::Stat> st = exofs::stat(path.c_str());
    if (!st || st.value().type != exofs::InodeType::File || st.value().size != bytes.size()) return false;
    Result<int> fd = exofs::open(path.c_str(), exofs::kRead);
    if (!fd) return false;
    std::vector<uint8_t> had(bytes.size());
    Result<uint64_t> got = exofs::pread(fd.value(), had.data(), had.size(), 0);
    (void)exofs::close(fd.value());
    return got && got.value() == bytes.size() && had == bytes;
}

// Writes `bytes` as the image's file at path, replacing what was there.
bool put(const std::string& path, const std::vector<uint8_t>& bytes) {
    Result<int> fd = exofs::open(path.c_str(), exofs::kWrite | exofs::kCreate | exofs::kTruncate);
    if (!fd) return failed(path, fd.error());
    for (uint64_t done = 0; done < bytes.size();) {
        Result<uint64_t> wrote = exofs::write(fd.value(), bytes.data() + done, bytes.size() - done);
        if (!wrote) {
            (void)exofs::close(fd.value());
            return failed(path, wrote.error());
        }
        done += wrote.value();
    }
    if (Result<void> r = exofs::close(fd.value()); !r) return failed(path, r.error());
    updated++;
    return true;
}

// Brings the image's directory `inside` up to date with host directory `dir`.
bool update(const std::string& dir, const std::string& inside) {
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) {
        fprintf(stderr, "fsput: %s: cannot read\n", dir.c_str());
        return false;
    }
    std::vector<std::string> names;
    while (dirent* e = ::readdir(d)) {
        if (e->d_name[0] != '.') names.push_back(e->d_name);
    }
    ::closedir(d);
    bool ok = true;
    for (const std::string& name : names) {
        std::string from = dir + "/" + name, to = inside + "/" + name;
        struct stat st;
        if (::stat(from.c_str(), &st) != 0) continue;
        if (S_ISDIR(st.st_mode)) {
            if (Result<void> r = exofs::mkdir(to.c_str()); !r && r.error() != Error::Exists) ok = failed(to, r.error());
            else ok = update(from, to) && ok;
        } else if (S_ISREG(st.st_mode)) {
            std::vector<uint8_t> bytes;
            if (!read_host(from, bytes)) {
                fprintf(stderr, "fsput: %s: cannot read\n", from.c_str());
                ok = false;
            } else if (!holds(to, bytes)) {
                ok = put(to, bytes) && ok;
            }
        }
    }
    return ok;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: fsput IMAGE DIR\n");
        return 1;
    }
    image_path = argv[1];
    host_region_reset();
    if (!host_disk_attach(image_path)) {
        perror(image_path);
        return 1;
    }
    if (Result<void> r = exofs::mount(); !r) return failed("mount", r.error()), 1;
    static exofs::Files files;
    exofs::set_files(&files);
    bool ok = update(argv[2], "");
    if (Result<void> r = exofs::unmount(); !r) ok = failed("unmount", r.error());
    if (updated > 0) printf("fsput: %s: %d file%s brought up to date\n", image_path, updated, updated == 1 ? "" : "s");
    return ok ? 0 : 1;
}
