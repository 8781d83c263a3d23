// kernel/monitor/monitor.cc: read a line, split it into words, run the command.
#include "monitor/monitor.h"

#include <cstddef>
#include <cstdint>

#include "abi/layout.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/qemu.h"
#include "arch/x86_64/serial.h"
#include "arch/x86_64/sections.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "debug/backtrace.h"
#if LAB >= 2
#include "monitor/mm_commands.h"
#endif

extern "C" void _start();

namespace monitor {
namespace {

constexpr size_t kLineMax = 128;
constexpr int kMaxArgs = 16;
constexpr char kPrompt[] = "K> ";
constexpr uint64_t kMaxExamine = 0x40;  // quadwords one `x` may print

const multiboot::BootInfo* boot_info;

struct Command {
    const char* name;
    const char* help;
    void (*run)(int argc, char** argv);
};

void cmd_help(int, char**);

void print_section(const char* name, const char* start, const char* end) {
    auto s = reinterpret_cast<uint64_t>(start), e = reinterpret_cast<uint64_t>(end);
    kprintf("  %-8s %016lx-%016lx  %8lu bytes  (physical %08lx)\n", name, s, e, e - s, s - kKernelBase);
}

void cmd_kerninfo(int, char**) {
    kprintf("Kernel sections (virtual, end exclusive):\n");
    kprintf("  %-8s %016lx (physical %08lx)\n", "_start", reinterpret_cast<uint64_t>(&_start),
            reinterpret_cast<uint64_t>(&_start));
    print_section(".text", text_start, text_end);
    print_section(".rodata", rodata_start, rodata_end);
    print_section(".data", data_start, data_end);
    print_section(".bss", bss_start, bss_end);
    uint64_t footprint = reinterpret_cast<uint64_t>(kernel_end) - reinterpret_cast<uint64_t>(kernel_start);
    kprintf("Kernel memory footprint: %lu KiB\n", (footprint + 1023) / 1024);
}

void cmd_backtrace(int, char**) { backtrace(); }

void cmd_mmap(int, char**) {
    kprintf("Memory map from the boot loader:\n");
    multiboot::print_memory_map(*boot_info);
}

// x ADDRESS [COUNT]: prints COUNT quadwords (hexadecimal, default 1, at
// most kMaxExamine) of kernel memory from ADDRESS (hexadecimal, any
// alignment), one line each: "<address, %016lx>: <value, %016lx>".
// Prints a usage line that begins "usage: x <address> [<count>]", and reads
// nothing, when the arguments do not parse or COUNT is out of range; prints a line that begins "x: refused"
// and reads nothing unless all of [ADDRESS, ADDRESS + 8 * COUNT) lies in
// one of the kernel's sections: .text, .rodata, or .data with .bss.
//
// The threat is the person typing.  A read of memory that is not mapped
// faults: in lab 1, with no IDT, the machine resets; from lab 2 on the
// kernel panics.  The boot page tables map more than the kernel image, but
// lab 2's do not: what lies between the sections (the stack's guard page)
// and around the image is unmapped there, and a range whose end wraps past
// 2^64 lies in no section at all.
void cmd_x(int argc, char** argv) {
#if SOL >= 1
    uint64_t first = 0, count = 1;
    if (argc < 2 || argc > 3 || !parse_hex(argv[1], &first) || (argc == 3 && !parse_hex(argv[2], &count)) ||
        count == 0 || count > kMaxExamine) {
        kprintf("usage: x <address> [<count>]   (hexadecimal; count 1-%lx)\n", kMaxExamine);
        return;
    }
    const char* sections[][2] = {{text_start, text_end}, {rodata_start, rodata_end}, {data_start, bss_end}};
    bool inside = false;
    for (const auto& section : sections) {
        auto start = reinterpret_cast<uint64_t>(section[0]), end = reinterpret_cast<uint64_t>(section[1]);
        inside = inside || (first >= start && first < end && count * 8 <= end - first);
    }
    if (!inside) {
        kprintf("x: refused: [%lx, +%lx quadwords) is not inside one kernel section\n", first, count);
        return;
    }
    for (uint64_t i = 0; i < count; i++) {
        uint64_t value;
        memcpy(&value, reinterpret_cast<const void*>(first + 8 * i), sizeof(value));
        kprintf("%016lx: %016lx\n", first + 8 * i, value);
    }
#else
    // LAB 1: Exercise 8. Examine kernel memory as stated above.
    (void)argc, (void)argv, (void)kMaxExamine;
    kprintf("x: not written yet (LAB 1: Exercise 8)\n");
#endif
}

void cmd_exit(int, char**) {
    kprintf("Leaving QEMU.\n");
    qemu_exit(ExitCode::Success);
}

const Command kCommands[] = {
    {"help", "list the commands", cmd_help},
    {"kerninfo", "show the kernel's sections and size", cmd_kerninfo},
    {"backtrace", "show the stack of frames that led here", cmd_backtrace},
    {"mmap", "show the physical memory map and usable total", cmd_mmap},
    {"x", "show kernel memory: x <address> [<count>] quadwords", cmd_x},
#if LAB >= 2
    {"frames", "count the physical frames of each kind", cmd_frames},
    {"showmappings", "show the mappings and rights of <first va> <last va>", cmd_showmappings},
#endif
    {"exit", "power off (QEMU isa-debug-exit)", cmd_exit},
};

void cmd_help(int, char**) {
    for (const Command& c : kCommands) kprintf("  %-13s %s\n", c.name, c.help);
}

// Reads one line into buf (at most size - 1 characters), echoing what is
// typed.  Backspace/DEL erase; CR, LF or CR LF end the line.
void read_line(char* buf, size_t size) {
    static bool last_was_cr = false;
    size_t len = 0;
    for (;;) {
        int c = serial::try_get();
        if (c < 0) {
            cpu::pause();
            continue;
        }
        if (c == '\n' && last_was_cr) {  // the LF of a CR LF pair
            last_was_cr = false;
            continue;
        }
        last_was_cr = (c == '\r');
        if (c == '\r' || c == '\n') {
            serial::put('\n');
            buf[len] = '\0';
            return;
        }
        if (c == 0x7F || c == '\b') {
            if (len > 0) {
                len--;
                kprintf("\b \b");
            }
        } else if (c >= ' ' && len + 1 < size) {
            buf[len++] = static_cast<char>(c);
            serial::put(static_cast<char>(c));
        }
    }
}

// Splits `line` in place at spaces and tabs.  Returns the word count;
// words beyond kMaxArgs are dropped with a warning.
int split_words(char* line, char** argv) {
    int argc = 0;
    for (char* p = line; *p != '\0';) {
        while (*p == ' ' || *p == '\t') *p++ = '\0';
        if (*p == '\0') break;
        if (argc == kMaxArgs) {
            kprintf("too many words; only the first %d are used\n", kMaxArgs);
            break;
        }
        argv[argc++] = p;
        while (*p != '\0' && *p != ' ' && *p != '\t') p++;
    }
    return argc;
}

void run_line(char* line) {
    char* argv[kMaxArgs + 1];
    int argc = split_words(line, argv);
    if (argc == 0) return;
    argv[argc] = nullptr;
    for (const Command& c : kCommands) {
        if (strcmp(argv[0], c.name) == 0) {
            c.run(argc, argv);
            return;
        }
    }
    kprintf("unknown command '%s'; type 'help' for the list\n", argv[0]);
}

}  // namespace

void run(const multiboot::BootInfo& boot) {
    boot_info = &boot;
    kprintf("Welcome to the exolab kernel monitor. Type 'help' for the list of commands.\n");
    for (;;) {
        char line[kLineMax];
        kprintf("%s", kPrompt);
        read_line(line, sizeof(line));
        run_line(line);
    }
}

}  // namespace monitor
