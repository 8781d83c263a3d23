// exolab: lab 5
// user/bin/grep.cc: grep TEXT [FILE...]: prints the lines of each file
// (none: fd 0) that contain TEXT (a fixed string).  A line longer than
// 1023 bytes is taken as several.  Exit status: 0 if a line matched, 1
// if none did, 2 after an error.
#include "lib/fs/fs.h"
#include "lib/io.h"
#include "lib/libos.h"

namespace {

char buffer[4096];
char line[1024];

// Whether `text` occurs in the first len bytes of line.
bool contains(const char* text, uint64_t len) {
    uint64_t n = strlen(text);
    for (uint64_t i = 0; i + n <= len; i++) {
        if (memcmp(line + i, text, n) == 0) return true;
    }
    return false;
}

// Prints the matching lines of fd, each after `prefix`.  Returns whether
// one matched.
bool search(const char* text, int fd, const char* prefix) {
    bool matched = false;
    uint64_t len = 0;
    for (;;) {
        Result<uint64_t> got = io::read(fd, buffer, sizeof buffer);
        uint64_t n = got ? got.value() : 0;
        for (uint64_t i = 0; i <= n; i++) {
            bool end = i == n ? n == 0 && len > 0 : buffer[i] == '\n';
            if (i < n && !end) line[len++] = buffer[i];
            if (end || len == sizeof line - 1) {
                if (contains(text, len)) {
                    printf("%s%.*s\n", prefix, static_cast<int>(len), line);
                    matched = true;
                }
                len = 0;
            }
        }
        if (n == 0) return matched;
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        printf("usage: grep TEXT [FILE...]\n");
        return 1;
    }
    bool matched = argc == 2 && search(argv[1], 0, "");
    bool failed = false;
    for (int i = 2; i < argc; i++) {
        Result<int> fd = exofs::open(argv[i], exofs::kRead);
        if (!fd) {
            printf("grep: %s: %s\n", argv[i], fd.error() == Error::NotFound ? "no such file or directory" : error_name(fd.error()));
            failed = true;
            continue;
        }
        char prefix[80] = "";
        if (argc > 3) snprintf(prefix, sizeof prefix, "%s:", argv[i]);
        if (search(argv[1], fd.value(), prefix)) matched = true;
        (void)io::close(fd.value());
    }
    return failed ? 2 : matched ? 0 : 1;
}
