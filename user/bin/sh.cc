// exolab: lab 5
// user/bin/sh.cc: the shell (DESIGN §3.5).
//
//   sh            reads commands from fd 0; on the console it prints the
//                 prompt "exolab$ " and echoes what is typed (backspace
//                 erases, Ctrl-D on an empty line ends the shell)
//   sh FILE       runs FILE's lines, then exits
//
// A line is parsed by lib/cmdline.h: pipelines of any length joined by
// "|", "<", ">", ">>", ";" and "&".  Each command is a program spawned
// from the file system (a bare name is looked up in /bin) with fds 0, 1
// and 2 set for its pipes and redirections; a foreground pipeline is
// waited for.  Built in: cd [DIR], exit, kill ID... (the shell is the
// parent of what it started, so only it may destroy that).
#include "lib/cmdline.h"
#include "lib/fork.h"
#include "lib/fs/fs.h"
#include "lib/io.h"
#include "lib/libos.h"
#include "lib/pipe.h"
#include "lib/spawn.h"

namespace {

constexpr uint64_t kLineMax = 1024;

char line[kLineMax];
cmdline::Line parsed;  // about 20 KiB: not on the stack

// A user's words for an error.
const char* describe(Error e) {
    switch (e) {
    case Error::NotFound: return "no such file or directory";
    case Error::IsDirectory: return "is a directory";
    case Error::NotDirectory: return "not a directory";
    case Error::Exists: return "file exists";
    case Error::NoSpace: return "no space left on the disk";
    case Error::NameTooLong: return "name too long";
    case Error::BadDescriptor: return "bad file descriptor";
    case Error::NoMemory: return "out of memory (or of fds, pipes or domains)";
    default: return error_name(e);
    }
}

// Reads one line from fd into `line` (NUL-terminated, without its end),
// echoing it when `echo` (the console).  Returns false at the end of the
// input with nothing read.
bool read_line(int fd, bool echo) {
    uint64_t len = 0;
    for (;;) {
        char c;
        Result<uint64_t> got = io::read(fd, &c, 1);
        if (!got || got.value() == 0) {
            line[len] = '\0';
            return len > 0;
        }
        if (c == '\r' || c == '\n') {
            if (echo) printf("\n");
            line[len] = '\0';
            return true;
        }
        if (echo && (c == 0x7f || c == '\b')) {
            if (len > 0) {
                len--;
                printf("\b \b");
            }
            continue;
        }
        if (echo && c == 0x04 && len == 0) return false;  // Ctrl-D
        if (static_cast<unsigned char>(c) < ' ' && c != '\t') continue;
        if (len + 1 < kLineMax) {
            line[len++] = c;
            if (echo) printf("%c", c);
        }
    }
}

// Runs a built-in command; false if argv[0] is not one.
bool builtin(const cmdline::Command& c) {
    const char* name = c.argv[0];
    if (strcmp(name, "exit") == 0) {
        exit();
    }
    if (strcmp(name, "cd") == 0) {
        const char* dir = c.argc > 1 ? c.argv[1] : "/";
        if (Result<void> r = exofs::chdir(dir); !r) printf("sh: cd: %s: %s\n", dir, describe(r.error()));
        return true;
    }
    if (strcmp(name, "kill") == 0) {
        if (c.argc < 2) printf("sh: kill: usage: kill ID...\n");
        for (int i = 1; i < c.argc; i++) {
            uint64_t id = 0;
            for (const char* d = c.argv[i]; *d >= '0' && *d <= '9'; d++) id = id * 10 + static_cast<uint64_t>(*d - '0');
            int64_t r = id == 0 ? -static_cast<int64_t>(Error::NoSuchDomain) : sys_domain_destroy(id);
            if (r < 0) printf("sh: kill: %s: %s\n", c.argv[i], result_name(r));
        }
        return true;
    }
    return false;
}

// Opens the file of redirection r.  Errors: those of exofs::open.
Result<int> open_redirect(const cmdline::Redirect& r) {
    switch (r.kind) {
    case cmdline::RedirectKind::In: return exofs::open(r.path, exofs::kRead);
    case cmdline::RedirectKind::Out: return exofs::open(r.path, exofs::kWrite | exofs::kCreate | exofs::kTruncate);
    case cmdline::RedirectKind::Append: return exofs::open(r.path, exofs::kWrite | exofs::kCreate | exofs::kAppend);
    }
    return Error::InvalidArgument;
}

// Spawns command c with fds {in, out, 2} changed by its redirections.
// Returns the child's id, or 0 after printing why it could not start.
uint64_t start(const cmdline::Command& c, int in, int out) {
    int fds[3] = {in, out, 2};
    int opened[cmdline::kMaxRedirects];
    int nopened = 0;
    bool ok = true;
    for (int i = 0; i < c.nredirects && ok; i++) {
        Result<int> fd = open_redirect(c.redirects[i]);
        if (!fd) {
            printf("sh: %s: %s\n", c.redirects[i].path, describe(fd.error()));
            ok = false;
            break;
        }
        opened[nopened++] = fd.value();
        fds[c.redirects[i].kind == cmdline::RedirectKind::In ? 0 : 1] = fd.value();
    }
    uint64_t child = 0;
    if (ok) {
        const char* why = "";
        Result<uint64_t> r = spawn(c.argv[0], c.argv, fds, &why);
        if (r) {
            child = r.value();
        } else if (r.error() == Error::NotFound) {
            printf("sh: %s: command not found\n", c.argv[0]);
        } else if (r.error() == Error::InvalidArgument && why[0] != '\0') {
            printf("sh: %s: not a program: %s\n", c.argv[0], why);
        } else {
            printf("sh: %s: %s\n", c.argv[0], describe(r.error()));
        }
    }
    for (int i = 0; i < nopened; i++) (void)io::close(opened[i]);
    return child;
}

// Runs one pipeline: its commands joined by pipes, waited for unless in
// the background.
void run_pipeline(const cmdline::Pipeline& p) {
    if (p.ncommands == 1 && p.commands[0].nredirects == 0 && builtin(p.commands[0])) return;
    uint64_t children[cmdline::kMaxCommands];
    int nchildren = 0;
    int in = 0;  // the read end of the previous pipe, or fd 0
    for (int i = 0; i < p.ncommands; i++) {
        int ends[2] = {-1, 1};
        if (i + 1 < p.ncommands) {
            if (Result<void> r = io::pipe(ends); !r) {
                printf("sh: pipe: %s\n", describe(r.error()));
                ends[0] = -1;
                ends[1] = -1;
            }
        }
        if (ends[1] != -1) {
            uint64_t child = start(p.commands[i], in, ends[1]);
            if (child != 0) children[nchildren++] = child;
        }
        if (in != 0) (void)io::close(in);
        if (ends[1] != 1 && ends[1] != -1) (void)io::close(ends[1]);
        in = ends[0];
        if (in == -1) break;
    }
    if (in > 0) (void)io::close(in);
    for (int i = 0; i < nchildren; i++) {
        if (p.background) {
            printf("[%lu]\n", children[i]);
        } else {
            (void)wait(children[i]);
        }
    }
}

// Parses and runs one line.
void run_line() {
    if (const char* error = cmdline::parse(line, parsed); error != nullptr) {
        printf("sh: %s\n", error);
        return;
    }
    for (int i = 0; i < parsed.npipelines; i++) run_pipeline(parsed.pipelines[i]);
}

}  // namespace

int main(int argc, char** argv) {
    int fd = 0;
    if (argc > 1) {
        Result<int> opened = exofs::open(argv[1], exofs::kRead);
        if (!opened) {
            printf("sh: %s: %s\n", argv[1], describe(opened.error()));
            return 1;
        }
        fd = opened.value();
    }
    Result<exofs::FileKind> kind = io::kind(fd);
    bool interactive = kind && kind.value() == exofs::FileKind::Console;
    for (;;) {
        if (interactive) printf("exolab$ ");
        if (!read_line(fd, interactive)) break;
        run_line();
    }
    if (interactive) printf("\n");
    return 0;
}
