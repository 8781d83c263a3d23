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
// waited for.  Built in: cd [DIR], exit [N], kill ID... (the shell is the
// parent of what it started, so only it may destroy that).
//
// Each pipeline has a status: its last command's exit status as wait
// gives it (lib/exits.h: 0-255, 256 when it was killed), 127 when that
// command did not start, 0 in the background, 1 for a failed built-in.
// "$?" in a word (not inside '...') is the last pipeline's status; "exit"
// ends the shell with it, as does the end of a script.  Nobody waits for
// a background pipeline: the shell gives up its statuses (exits.h).
#include "lib/cmdline.h"
#include "lib/exits.h"
#include "lib/fork.h"
#include "lib/fs/fs.h"
#include "lib/io.h"
#include "lib/libos.h"
#include "lib/pipe.h"
#include "lib/spawn.h"

namespace {

constexpr uint64_t kLineMax = 1024;
constexpr int64_t kNotStarted = 127;  // the status of a command that did not start

char line[kLineMax];
cmdline::Line parsed;  // about 20 KiB: not on the stack
int64_t last_status = 0;
char substituted[3 * kLineMax];  // one pipeline's words with "$?" replaced

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

// The shell's own exit code for a status: 255 for a command that was
// killed (256 is no exit code), as for a domain that panicked.
int exit_code(int64_t status) { return status == exits::kKilled ? kPanicStatus : static_cast<int>(status); }

// Points each word of p that holds cmdline::kStatusMark ("$?") at a copy
// in `substituted` with the mark replaced by last_status.  Each mark
// stood for two bytes of the line and becomes at most three.
void substitute_status(cmdline::Pipeline& p) {
    char status[8];
    uint64_t len = static_cast<uint64_t>(snprintf(status, sizeof status, "%ld", last_status));
    char* out = substituted;
    auto substitute = [&](const char*& word) {
        if (strchr(word, cmdline::kStatusMark) == nullptr) return;
        const char* copy = out;
        for (const char* c = word; *c != '\0'; c++) {
            if (*c != cmdline::kStatusMark) *out++ = *c;
            if (*c == cmdline::kStatusMark) out = static_cast<char*>(memcpy(out, status, len)) + len;
        }
        *out++ = '\0';
        word = copy;
    };
    for (int i = 0; i < p.ncommands; i++) {
        for (int w = 0; w < p.commands[i].argc; w++) substitute(p.commands[i].argv[w]);
        for (int r = 0; r < p.commands[i].nredirects; r++) substitute(p.commands[i].redirects[r].path);
    }
}

// Runs a built-in command, setting *status; false if argv[0] is not one.
bool builtin(const cmdline::Command& c, int64_t* status) {
    const char* name = c.argv[0];
    *status = 0;
    if (strcmp(name, "exit") == 0) {
        uint64_t code = static_cast<uint64_t>(exit_code(last_status));
        if (c.argc > 1 && !cmdline::number(c.argv[1], &code)) {
            printf("sh: exit: %s: not a number\n", c.argv[1]);
            code = 2;
        }
        exit(static_cast<int>(code));
    }
    if (strcmp(name, "cd") == 0) {
        const char* dir = c.argc > 1 ? c.argv[1] : "/";
        if (Result<void> r = exofs::chdir(dir); !r) {
            printf("sh: cd: %s: %s\n", dir, describe(r.error()));
            *status = 1;
        }
        return true;
    }
    if (strcmp(name, "kill") == 0) {
        if (c.argc < 2) {
            printf("sh: kill: usage: kill ID...\n");
            *status = 1;
        }
        for (int i = 1; i < c.argc; i++) {
            uint64_t id = 0;
            int64_t r = cmdline::number(c.argv[i], &id) && id != 0 ? sys_domain_destroy(id) : -static_cast<int64_t>(Error::NoSuchDomain);
            if (r < 0) {
                printf("sh: kill: %s: %s\n", c.argv[i], result_name(r));
                *status = 1;
            }
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

// Spawns command c with fds: child fd i names what this shell's fds[i]
// names (-1: closed).  Returns the child's id, or 0 after printing why it
// could not start.
uint64_t launch(const cmdline::Command& c, const int fds[3]) {
    const char* why = "";
    Result<uint64_t> r = spawn(c.argv[0], c.argv, fds, &why);
    if (r) return r.value();
    if (r.error() == Error::NotFound) {
        printf("sh: %s: command not found\n", c.argv[0]);
    } else if (r.error() == Error::InvalidArgument && why[0] != '\0') {
        printf("sh: %s: not a program: %s\n", c.argv[0], why);
    } else {
        printf("sh: %s: %s\n", c.argv[0], describe(r.error()));
    }
    return 0;
}

// LAB 5: Exercise 11 (part 1).  Starts command c with fd 0 naming what
// this shell's fd `in` names, fd 1 what `out` names and fd 2 the shell's
// fd 2, each changed by c's redirections, applied left to right (the last
// of a kind wins; open_redirect opens one).  A redirection that cannot be
// opened is reported as "sh: PATH: <describe(error)>" and the command is
// not started.  Returns the child's id, or 0 when it did not start.
// Whether the command started or not, the shell's own fds afterwards are
// exactly those it had before: `in` and `out` are the caller's to close.
uint64_t start(const cmdline::Command& c, int in, int out) {
#if SOL >= 5
    int child_fds[3] = {in, out, 2};
    int mine[cmdline::kMaxRedirects];
    int nmine = 0;
    uint64_t id = 0;
    bool opened_all = true;
    for (int i = 0; i < c.nredirects; i++) {
        Result<int> file = open_redirect(c.redirects[i]);
        if (!file) {
            printf("sh: %s: %s\n", c.redirects[i].path, describe(file.error()));
            opened_all = false;
            break;
        }
        mine[nmine++] = file.value();
        child_fds[c.redirects[i].kind == cmdline::RedirectKind::In ? 0 : 1] = file.value();
    }
    if (opened_all) id = launch(c, child_fds);
    while (nmine > 0) (void)io::close(mine[--nmine]);
    return id;
#else
    // LAB 5: Exercise 11 (part 1).  Contract above.  Threats: a
    // redirection that fails after others were opened; every file opened
    // here is the shell's own fd until it is closed, and the shell has 32.
    (void)c, (void)in, (void)out, (void)open_redirect;
    return 0;
#endif
}

// LAB 5: Exercise 11 (part 2).  Runs pipeline p: its commands started in
// order, joined by pipes (command i's fd 1 the write end of a pipe whose
// read end is command i+1's fd 0; the first reads the shell's fd 0, the
// last writes its fd 1), then each started child waited for, or, for a
// background pipeline, its id printed as "[ID]" instead.  A command that
// does not start, or a pipe that cannot be made ("sh: pipe: <describe>"),
// leaves the rest running and seeing EOF.  Every reader sees EOF once the
// commands before it have ended, and the shell's own fds afterwards are
// those it had before.  Returns the pipeline's status: what wait returned
// for its last command, kNotStarted if that one did not start, 0 in the
// background.
int64_t run_pipeline(const cmdline::Pipeline& p) {
    int64_t status;
    if (p.ncommands == 1 && p.commands[0].nredirects == 0 && builtin(p.commands[0], &status)) return status;
#if SOL >= 5
    uint64_t started[cmdline::kMaxCommands];
    int nstarted = 0;
    bool last_started = false;
    int upstream = 0;  // what the next command reads: fd 0, or a pipe's read end
    for (int i = 0; i < p.ncommands && upstream != -1; i++) {
        int joint[2] = {-1, 1};
        bool last = i + 1 == p.ncommands;
        if (!last) {
            if (Result<void> made = io::pipe(joint); !made) {
                printf("sh: pipe: %s\n", describe(made.error()));
                joint[0] = joint[1] = -1;
            }
        }
        uint64_t id = joint[1] == -1 ? 0 : start(p.commands[i], upstream, joint[1]);
        if (id != 0) started[nstarted++] = id;
        last_started = id != 0;
        if (upstream != 0) (void)io::close(upstream);
        if (!last && joint[1] != -1) (void)io::close(joint[1]);
        upstream = joint[0];
    }
    if (upstream > 0) (void)io::close(upstream);
    status = kNotStarted;
    for (int i = 0; i < nstarted; i++) {
        if (!p.background) status = wait(started[i]);
        if (p.background) printf("[%lu]\n", started[i]);
    }
    return p.background ? 0 : last_started ? status : kNotStarted;
#else
    // LAB 5: Exercise 11 (part 2).  Contract above.  Threats: a reader sees
    // EOF only when no fd anywhere names its pipe's write end, the
    // shell's included: an end left open hangs the pipeline (and the
    // shell waiting for it); the shell has 32 fds and the machine 32 pipes
    // for every line it will ever run.  Until then the shell runs one
    // command with no redirection, with its own fds 0-2:
    const cmdline::Command& only = p.commands[0];
    if (p.ncommands != 1 || only.nredirects != 0) {
        printf("sh: pipes and redirections are Exercise 11\n");
        return kNotStarted;
    }
    (void)start;
    int standard[3] = {0, 1, 2};
    uint64_t child = launch(only, standard);
    if (child == 0) return kNotStarted;
    if (p.background) printf("[%lu]\n", child);
    return p.background ? 0 : wait(child);
#endif
}

// Parses and runs the line.  A line that does not parse has status 2.
void run_line() {
    if (const char* error = cmdline::parse(line, parsed); error != nullptr) {
        printf("sh: %s\n", error);
        last_status = 2;
        return;
    }
    for (int i = 0; i < parsed.npipelines; i++) {
        substitute_status(parsed.pipelines[i]);
        last_status = run_pipeline(parsed.pipelines[i]);
        if (parsed.pipelines[i].background) exits::forget_all();
    }
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
        // At the prompt each line ends with a commit (nothing to write:
        // nothing done), so what it wrote survives QEMU being quit, as it
        // survives a power failure (DESIGN §3.5, durability).
        if (Result<void> r = interactive ? exofs::sync() : Result<void>{}; !r) printf("sh: sync: %s\n", describe(r.error()));
    }
    if (interactive) printf("\n");
    return exit_code(last_status);
}
