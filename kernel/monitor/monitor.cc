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

void cmd_exit(int, char**) {
    kprintf("Leaving QEMU.\n");
    qemu_exit(ExitCode::Success);
}

const Command kCommands[] = {
    {"help", "list the commands", cmd_help},
    {"kerninfo", "show the kernel's sections and size", cmd_kerninfo},
    {"backtrace", "show the stack of frames that led here", cmd_backtrace},
    {"mmap", "show the physical memory map and usable total", cmd_mmap},
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
