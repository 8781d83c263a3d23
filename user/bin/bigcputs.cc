// exolab: lab 3
// user/bin/bigcputs.cc: the limits of sys_cputs.
//
// A write of 32000 bytes (more than the kernel's 16 KiB stack) must reach
// the console whole; one of 64 KiB + 1 is InvalidArgument; one whose end
// runs into an unmapped page is BadAddress, and none of its bytes may be
// printed.
#include "lib/libos.h"

namespace {

constexpr uint64_t kPage = 0x10000000;   // mapped; the page after it is not
constexpr size_t kLines = 400;
constexpr size_t kLineLength = 80;
char text[kLines * kLineLength];

}  // namespace

int main() {
    for (size_t line = 0; line < kLines; line++) {
        char* at = text + line * kLineLength;
        snprintf(at, kLineLength, "bigcputs: line %03lu ", line);
        for (size_t i = strlen(at); i < kLineLength - 1; i++) at[i] = static_cast<char>('a' + i % 26);
        at[kLineLength - 1] = '\n';
    }
    int64_t big = sys_cputs(text, sizeof(text));
    printf("bigcputs: %lu bytes: %s (%ld)\n", sizeof(text), result_name(big), big);

    int64_t over = sys_cputs(text, 64 * 1024 + 1);
    printf("bigcputs: 64 KiB + 1: %s\n", result_name(over));

    int64_t frame = sys_frame_alloc(0);
    if (frame < 0 || sys_map(0, kPage, static_cast<uint64_t>(frame), PERM_W) < 0) panic("cannot map a page");
    char* end = reinterpret_cast<char*>(kPage + PAGE_SIZE - 8);
    for (int i = 0; i < 8; i++) end[i] = '#';
    int64_t straddle = sys_cputs(end, 16);
    printf("bigcputs: into an unmapped page: %s\n", result_name(straddle));
    return 0;
}
