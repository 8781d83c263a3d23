// exolab: lab 5
// user/bin/wc.cc: wc [FILE...]: lines, words and bytes of each file (none:
// fd 0).
#include "lib/fs/fs.h"
#include "lib/io.h"
#include "lib/libos.h"

namespace {

char buffer[4096];
int status;  // 1 once a file could not be read

// Counts fd to its end and prints the counts, then `name` if not null.
void count(int fd, const char* name) {
    uint64_t lines = 0, words = 0, bytes = 0;
    bool in_word = false;
    for (;;) {
        Result<uint64_t> got = io::read(fd, buffer, sizeof buffer);
        if (!got) {
            printf("wc: %s: %s\n", name ? name : "stdin", error_name(got.error()));
            status = 1;
            return;
        }
        if (got.value() == 0) break;
        bytes += got.value();
        for (uint64_t i = 0; i < got.value(); i++) {
            char c = buffer[i];
            if (c == '\n') lines++;
            bool blank = c == ' ' || c == '\n' || c == '\t' || c == '\r';
            if (!blank && !in_word) words++;
            in_word = !blank;
        }
    }
    printf("%lu %lu %lu%s%s\n", lines, words, bytes, name ? " " : "", name ? name : "");
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) count(0, nullptr);
    for (int i = 1; i < argc; i++) {
        Result<int> fd = exofs::open(argv[i], exofs::kRead);
        if (!fd) {
            printf("wc: %s: %s\n", argv[i], fd.error() == Error::NotFound ? "no such file or directory" : error_name(fd.error()));
            status = 1;
            continue;
        }
        count(fd.value(), argv[i]);
        (void)io::close(fd.value());
    }
    return status;
}
