// exolab: lab 5
// tools/fs-host/fs_test.cc: the host tests of exofs (make fs-host-test):
// the operations, a file through the double-indirect blocks, directories,
// errors, two domains over one cache, remount, and the crash sweep.
// Usage: fs-test <directory for the images>
#include <chrono>
#include <cstring>

#include "host.h"
#include "testing.h"

using namespace exofs;

int failures;
static std::string image_dir;

void fresh_volume(const std::string& path, uint32_t blocks, uint32_t inodes, uint32_t log_blocks) {
    host_region_reset();
    if (!host_disk_open((image_dir + "/" + path).c_str(), uint64_t(blocks) * kBlockSize)) {
        perror(path.c_str());
        exit(1);
    }
    OK(format(blocks, inodes, log_blocks));
    OK(mount());
    static Files files_of_test;
    files_of_test = Files{};
    set_files(&files_of_test);
}

void crash_and_remount() {
    host_region_reset();
    host_disk_restore_power();
    OK(mount());
    static Files after_crash;
    after_crash = Files{};
    set_files(&after_crash);
}

CheckReport checked(const char* when) {
    OK(sync());
    CheckReport r = check_image();
    for (size_t i = 0; i < r.problems.size() && i < 10; i++)
        fprintf(stderr, "check (%s): %s\n", when, r.problems[i].c_str());
    failures += static_cast<int>(r.problems.size());
    return r;
}

std::string slurp(const char* path) {
    int fd = OK(open(path, kRead));
    std::string data;
    char buf[1000];
    for (;;) {
        uint64_t got = OK(read(fd, buf, sizeof buf));
        if (got == 0) break;
        data.append(buf, got);
    }
    OK(close(fd));
    return data;
}

void spit(const char* path, const std::string& data) {
    int fd = OK(open(path, kWrite | kCreate | kTruncate));
    CHECK(OK(write(fd, data.data(), data.size())) == data.size());
    OK(close(fd));
}

int main(int argc, char** argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s <directory for the images>\n", argv[0]);
        return 2;
    }
    image_dir = argv[1];
    struct Group {
        const char* name;
        void (*run)();
    };
    const Group groups[] = {
        {"volume", test_volume},       {"files", test_files},
        {"big file", test_big_file},   {"directories", test_directories},
        {"rename", test_rename},       {"descriptors", test_descriptors},
        {"two domains", test_domains}, {"durability", test_durability},
        {"no space", test_no_space},   {"processes", test_processes},
        {"dead holder", test_dead_holder}, {"corruption", test_corruption},
    };
    for (const Group& g : groups) {
        auto start = std::chrono::steady_clock::now();
        int before = failures;
        g.run();
        double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        printf("%-12s %s (%.0f ms)\n", g.name, failures == before ? "ok" : "FAILED", ms);
    }
    auto start = std::chrono::steady_clock::now();
    int before = failures;
    crash_sweep(image_dir);
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    printf("%-12s %s (%.0f ms)\n", "crash sweep", failures == before ? "ok" : "FAILED", ms);
    printf("fs-host-test: %s (%d failures)\n", failures ? "FAILED" : "all passed", failures);
    return failures ? 1 : 0;
}
