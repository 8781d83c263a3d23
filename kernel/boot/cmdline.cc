// kernel/boot/cmdline.cc: reading "key=value" words from the kernel command line.
#include "boot/cmdline.h"

#include "lib/format.h"
#include "lib/string.h"

namespace cmdline {

// Contract in cmdline.h.  The line is typed by a person (grub.cfg, QEMU's
// -smbios): it may hold any words, in any order, separated by any number of spaces (cmdline.h).
bool get(const char* line, const char* key, char* buf, size_t size) {
#if SOL >= 1
    if (size > 0) buf[0] = '\0';
    size_t key_len = strlen(key);
    for (const char* word = line; *word != '\0';) {
        if (*word == ' ') {
            word++;
            continue;
        }
        const char* end = word;
        while (*end != '\0' && *end != ' ') end++;
        if (strncmp(word, key, key_len) == 0 && word[key_len] == '=') {
            size_t n = static_cast<size_t>(end - word) - key_len - 1;
            if (size > 0) snformat(buf, size, "%.*s", static_cast<int>(n), word + key_len + 1);
            return true;
        }
        word = end;
    }
    return false;
#else
    // LAB 1: Exercise 7. Find the first "key=value" word of the line, as
    // cmdline.h states.  This version understands only a line that is one
    // such word, as the tests' run=NAME lines are.
    size_t n = strlen(key);
    bool found = strncmp(line, key, n) == 0 && line[n] == '=';
    for (const char* c = line; found && *c != '\0'; c++) found = *c != ' ';
    snformat(buf, size, "%s", found ? line + n + 1 : "");
    return found;
#endif
}

#if LAB >= 4
uint32_t get_number(const char* line, const char* key, uint32_t otherwise) {
    char text[12];
    if (!get(line, key, text, sizeof(text)) || text[0] == '\0' || strlen(text) > 9) return otherwise;
    uint32_t n = 0;
    for (const char* c = text; *c != '\0'; c++) {
        if (*c < '0' || *c > '9') return otherwise;
        n = n * 10 + static_cast<uint32_t>(*c - '0');
    }
    return n;
}
#endif

}  // namespace cmdline
