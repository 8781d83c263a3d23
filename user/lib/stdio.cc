// exolab: lab 3
// user/lib/stdio.cc: printf on top of the kernel's formatter (see stdio.h).
#include "lib/stdio.h"

#include "lib/format.h"
#include "lib/syscall.h"
#if LAB >= 5
#include "lib/io.h"
#endif

namespace {

// A console sink that batches characters: vformat hands over one character
// at a time, and one system call per character would be slow and would let
// another domain's output interleave with a half-written line.
struct ConsoleBuffer {
    static constexpr size_t kSize = 256;
    char bytes[kSize];
    size_t used = 0;

    // Writes out what is buffered (the result of sys_cputs is not checked:
    // if the console is gone there is nowhere to report it).  From lab 5
    // through fd 1 when the program has one (lib/io.h).
    void flush() {
#if LAB >= 5
        if (used > 0) io::write_stdout(bytes, used);
#else
        if (used > 0) (void)sys_cputs(bytes, used);
#endif
        used = 0;
    }

    // vformat's put callback: `context` is the ConsoleBuffer.
    static void put(void* context, char c) {
        auto* buffer = static_cast<ConsoleBuffer*>(context);
        if (buffer->used == kSize) buffer->flush();
        buffer->bytes[buffer->used++] = c;
    }
};

// snprintf's sink: keeps the first size - 1 characters, counts them all.
struct BoundedBuffer {
    char* buf;
    size_t size;
    size_t used = 0;

    // vformat's put callback: `context` is the BoundedBuffer.
    static void put(void* context, char c) {
        auto* b = static_cast<BoundedBuffer*>(context);
        if (b->used + 1 < b->size) b->buf[b->used] = c;
        b->used++;
    }
};

}  // namespace

int vprintf(const char* fmt, va_list args) {
    ConsoleBuffer buffer;
    int count = vformat(Sink{ConsoleBuffer::put, &buffer}, fmt, args);
    buffer.flush();
    return count;
}

int printf(const char* fmt, ...) {
    va_list args;
    va_start(args, fmt);
    int count = vprintf(fmt, args);
    va_end(args);
    return count;
}

int vsnprintf(char* buf, size_t size, const char* fmt, va_list args) {
    BoundedBuffer buffer{buf, size};
    int count = vformat(Sink{BoundedBuffer::put, &buffer}, fmt, args);
    if (size > 0) buf[buffer.used < size ? buffer.used : size - 1] = '\0';
    return count;
}

int snprintf(char* buf, size_t size, const char* fmt, ...) {
    va_list args;
    va_start(args, fmt);
    int count = vsnprintf(buf, size, fmt, args);
    va_end(args);
    return count;
}

int puts(const char* s) { return printf("%s\n", s); }
