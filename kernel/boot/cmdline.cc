// kernel/boot/cmdline.cc: reading "key=value" words from the kernel command line.
#include "boot/cmdline.h"

#include "lib/string.h"

namespace cmdline {

bool get(const char* line, const char* key, char* buf, size_t size) {
    size_t key_len = strlen(key);
    if (size > 0) buf[0] = '\0';
    for (const char* p = line; *p != '\0';) {
        while (*p == ' ') p++;
        const char* word = p;
        while (*p != '\0' && *p != ' ') p++;
        if (strncmp(word, key, key_len) == 0 && word[key_len] == '=') {
            const char* value = word + key_len + 1;
            size_t n = 0;
            for (; value + n < p && n + 1 < size; n++) buf[n] = value[n];
            if (size > 0) buf[n] = '\0';
            return true;
        }
    }
    return false;
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
