// exolab: lab 5
// user/lib/spawn.cc: load a program from exofs into a new child (see spawn.h).
#include "lib/spawn.h"

#include "abi/domain.h"
#include "abi/uarea.h"
#include "lib/elf.h"
#include "lib/fdtable.h"
#include "lib/fs/fs.h"
#include "lib/fs/ops.h"
#include "lib/fs/region.h"
#include "lib/io.h"
#include "lib/libos.h"
#include "lib/upcall.h"
#include "lib/windows.h"

namespace {

// A page of this domain's for filling a child's frames, out of everyone's
// way: the page above fork's, in the page table of the upcall stack, so
// mapping it never builds a table.
constexpr uint64_t kScratch = kUpcallStackTop - 0x100000 + PAGE_SIZE;
constexpr uint64_t kStackPages = 4;
constexpr uint64_t kStackBottom = USTACK_TOP - kStackPages * PAGE_SIZE;
// A program's segments lie in [USER_BASE, kProgramTop): below the file
// system's region and everything else the libOS maps at fixed addresses
// (the kernel's loader allows up to the stack; a libOS child needs more).
constexpr uint64_t kProgramTop = exofs::kFsRegion;
constexpr uint64_t kMaxSegments = 16;
constexpr uint64_t kKernelNameMax = 31;  // domain_name's limit (syscalls.def)

// A program's headers, read from its file.
struct Program {
    elf::Header h;
    elf::ProgramHeader segments[kMaxSegments];
    uint64_t size;  // of the file
};

// Sets *why and returns InvalidArgument.
Error reject(const char** why, const char* text) {
    *why = text;
    return Error::InvalidArgument;
}

// A system call's result as a Result.
Result<uint64_t> checked(int64_t r) {
    if (r < 0) return static_cast<Error>(-r);
    return static_cast<uint64_t>(r);
}

// x rounded down and up to a page boundary.
uint64_t round_down(uint64_t x) { return x & ~uint64_t(PAGE_SIZE - 1); }
uint64_t round_up(uint64_t x) { return (x + PAGE_SIZE - 1) & ~uint64_t(PAGE_SIZE - 1); }

// Checks one PT_LOAD segment by the kernel loader's rules (but below
// kProgramTop).  Errors: InvalidArgument with *why.
Result<void> check_segment(const elf::ProgramHeader& s, uint64_t size, const char** why) {
    if (s.filesz > s.memsz) return reject(why, "segment file size exceeds its memory size");
    if (s.offset > size || s.filesz > size - s.offset) return reject(why, "segment data beyond the end of the file");
    if (s.vaddr < USER_BASE || s.memsz > kProgramTop - USER_BASE || s.vaddr > kProgramTop - s.memsz) {
        return reject(why, "segment outside user program space");
    }
    if (s.vaddr % PAGE_SIZE != s.offset % PAGE_SIZE) return reject(why, "segment misaligned in the file");
    bool writable_code = (s.flags & elf::kSegmentWrite) && (s.flags & elf::kSegmentExecute);
    if (writable_code) return reject(why, "segment both writable and executable");
    return {};
}

// Reads and checks the program open at fd: the header, the program header
// table, each segment, no two sharing a page, the entry point in an
// executable one.  Errors: InvalidArgument with *why; IoError.
Result<void> read_program(int fd, Program& p, const char** why) {
    p.size = TRY(exofs::fstat(fd)).size;
    if (p.size < sizeof(elf::Header)) return reject(why, "file smaller than an ELF header");
    if (TRY(exofs::pread(fd, &p.h, sizeof p.h, 0)) != sizeof p.h) return Error::IoError;
    const elf::Header& h = p.h;
    if (memcmp(h.ident, "\x7f" "ELF", 4) != 0) return reject(why, "not an ELF file (bad magic)");
    if (h.ident[4] != elf::kClass64) return reject(why, "not a 64-bit ELF file");
    if (h.ident[5] != elf::kDataLittleEndian) return reject(why, "not little-endian");
    if (h.type != elf::kTypeExecutable) return reject(why, "not an executable (ET_EXEC)");
    if (h.machine != elf::kMachineX86_64) return reject(why, "not an x86-64 program");
    if (h.phentsize != sizeof(elf::ProgramHeader)) return reject(why, "unexpected program header size");
    if (h.phnum == 0 || h.phnum > kMaxSegments) return reject(why, "no program headers, or too many");
    uint64_t table = uint64_t(h.phnum) * sizeof(elf::ProgramHeader);
    if (h.phoff > p.size || table > p.size - h.phoff) return reject(why, "program header table beyond the end of the file");
    if (h.phoff % alignof(elf::ProgramHeader) != 0) return reject(why, "misaligned program header table");
    if (TRY(exofs::pread(fd, p.segments, table, h.phoff)) != table) return Error::IoError;
    bool entry_ok = false;
    for (uint64_t i = 0; i < h.phnum; i++) {
        const elf::ProgramHeader& s = p.segments[i];
        if (s.type != elf::kSegmentLoad || s.memsz == 0) continue;
        TRY(check_segment(s, p.size, why));
        for (uint64_t j = 0; j < i; j++) {
            const elf::ProgramHeader& t = p.segments[j];
            if (t.type != elf::kSegmentLoad || t.memsz == 0) continue;
            if (round_down(s.vaddr) < round_up(t.vaddr + t.memsz) && round_down(t.vaddr) < round_up(s.vaddr + s.memsz)) {
                return reject(why, "two segments share a page");
            }
        }
        if ((s.flags & elf::kSegmentExecute) && h.entry >= s.vaddr && h.entry < s.vaddr + s.memsz) entry_ok = true;
    }
    if (!entry_ok) return reject(why, "entry point not in an executable segment");
    return {};
}

// A fresh zeroed frame of this domain's, mapped writable at kScratch.
Result<uint64_t> scratch_frame() {
    uint64_t pfn = TRY(checked(sys_frame_alloc(0)));
    if (Result<uint64_t> r = checked(sys_map(0, kScratch, pfn, PERM_W)); !r) {
        (void)sys_frame_free(pfn);
        return r.error();
    }
    return pfn;
}

// Unmaps kScratch and gives frame pfn to child `dom` at va with perm;
// this domain gives up owning it (it is freed with the child).  On an
// error the frame is freed.
Result<void> give_frame(uint64_t dom, uint64_t va, uint64_t pfn, uint64_t perm) {
    (void)sys_unmap(0, kScratch);
    Result<uint64_t> r = checked(sys_map(dom, va, pfn, perm));
    (void)sys_frame_free(pfn);
    if (!r) return r.error();
    return {};
}

// Maps segment s of the program at fd into dom: a frame per page, the
// file's bytes read in, zeros elsewhere.
Result<void> load_segment(uint64_t dom, int fd, const elf::ProgramHeader& s) {
    uint64_t perm = 0;
    if (s.flags & elf::kSegmentWrite) perm |= PERM_W;
    if (s.flags & elf::kSegmentExecute) perm |= PERM_X;
    for (uint64_t page = round_down(s.vaddr); page < s.vaddr + s.memsz; page += PAGE_SIZE) {
        uint64_t pfn = TRY(scratch_frame());
        uint64_t from = s.vaddr < page ? page : s.vaddr;  // the file's bytes within this page
        uint64_t to = page + PAGE_SIZE < s.vaddr + s.filesz ? page + PAGE_SIZE : s.vaddr + s.filesz;
        if (from < to) {
            Result<uint64_t> got =
                exofs::pread(fd, reinterpret_cast<void*>(kScratch + (from - page)), to - from, s.offset + (from - s.vaddr));
            if (!got || got.value() != to - from) {
                (void)give_frame(0, kScratch, pfn, 0);  // unmaps and frees it
                return got ? Error::IoError : got.error();
            }
        }
        TRY(give_frame(dom, page, pfn, perm));
    }
    return {};
}

// The child's argument page: a frame of this domain's, mapped at
// kArgumentScratch from before the child exists (lay_out_arguments writes
// it there, so bad arguments are refused before anything is made) until
// build_stack gives it to the child.  Freed here if it never is.
constexpr uint64_t kArgumentScratch = kScratch + PAGE_SIZE;
constexpr uint64_t kArgumentPageVa = USTACK_TOP - PAGE_SIZE;
struct ArgumentFrame {
    uint64_t pfn = 0;  // 0: none (given to the child, or never allocated)
    ~ArgumentFrame() {
        if (pfn == 0) return;
        (void)sys_unmap(0, kArgumentScratch);
        (void)sys_frame_free(pfn);
    }
};

// Allocates a's frame and maps it at kArgumentScratch; returns where.
Result<uint8_t*> map_argument_frame(ArgumentFrame& a) {
    uint64_t pfn = TRY(checked(sys_frame_alloc(0)));
    if (Result<uint64_t> r = checked(sys_map(0, kArgumentScratch, pfn, PERM_W)); !r) {
        (void)sys_frame_free(pfn);
        return r.error();
    }
    a.pfn = pfn;
    return reinterpret_cast<uint8_t*>(kArgumentScratch);
}

// Maps dom's stack: kStackPages fresh pages below USTACK_TOP, the top one
// the argument frame (which this domain then gives up).
Result<void> build_stack(uint64_t dom, ArgumentFrame& arguments) {
    for (uint64_t va = kStackBottom; va < kArgumentPageVa; va += PAGE_SIZE) {
        uint64_t pfn = TRY(checked(sys_frame_alloc(0)));
        TRY(give_frame(dom, va, pfn, PERM_W));
    }
    uint64_t pfn = arguments.pfn;
    arguments.pfn = 0;
    (void)sys_unmap(0, kArgumentScratch);
    Result<uint64_t> mapped = checked(sys_map(dom, kArgumentPageVa, pfn, PERM_W));
    (void)sys_frame_free(pfn);  // the child's mapping, if made, keeps it
    if (!mapped) return mapped.error();
    return {};
}

// The fd table spawn gives the child (spawn.h).
Result<void> child_files(const int* fds, exofs::Files& out) {
    memset(&out, 0, sizeof out);
    if (!exofs::attached()) return {};
    const exofs::Files& mine = *exofs::files();
    out.cwd = mine.cwd;
    if (fds == nullptr) {
        memcpy(out.fd, mine.fd, sizeof out.fd);
        return {};
    }
    for (int i = 0; i < 3; i++) {
        if (fds[i] == -1) continue;
        if (fds[i] < 0 || fds[i] >= exofs::kMaxFds || mine.fd[fds[i]] == 0) return Error::BadDescriptor;
        out.fd[i] = mine.fd[fds[i]];
    }
    return {};
}

// Builds child dom from the checked program at fd.
Result<void> build_child(uint64_t dom, int fd, const Program& p, ArgumentFrame& arguments, uint64_t rsp) {
    for (uint64_t i = 0; i < p.h.phnum; i++) {
        if (p.segments[i].type == elf::kSegmentLoad && p.segments[i].memsz != 0) TRY(load_segment(dom, fd, p.segments[i]));
    }
    UserContext context{};
    TRY(build_stack(dom, arguments));
    context.rsp = rsp;
    context.rip = p.h.entry;
    context.rflags = 0x202;  // IF
    TRY(checked(sys_domain_set_context(dom, &context)));
    if (exofs::attached()) TRY(exofs::region_share_with(dom));
    uint64_t pfn = TRY(scratch_frame());
    reinterpret_cast<Inherited*>(kScratch)->magic = kInheritMagic;
    return give_frame(dom, kInheritPage, pfn, PERM_W);
}

// Names dom after its program (the last component of path): in the
// kernel's lines about it, and for ps.  A name the kernel refuses (one with
// a parenthesis, say) leaves it the creator's name there.
void name_child(uint64_t dom, const char* path) {
    const char* name = path;
    for (const char* c = path; *c; c++) {
        if (*c == '/') name = c + 1;
    }
    uint64_t length = strlen(name);
    (void)sys_domain_name(dom, name, length < kKernelNameMax ? length : kKernelNameMax);
    if (!exofs::attached() || dom >= exofs::kNameDomains) return;
    exofs::Op op;
    char* slot = exofs::shared()->names[dom];
    uint64_t n = length < exofs::kNameLen - 1 ? length : exofs::kNameLen - 1;
    memcpy(slot, name, n);
    slot[n] = '\0';
}

// Closes fd when it goes out of scope.
struct FdCloser {
    int fd;
    ~FdCloser() { (void)exofs::close(fd); }
};

}  // namespace

Result<uint64_t> lay_out_arguments(uint8_t* page, uint64_t page_va, const char* const* argv) {
#if SOL >= 5
    uint64_t count = 0, string_bytes = 0;
    while (argv != nullptr && argv[count] != nullptr) {
        if (count == kMaxArgs) return Error::InvalidArgument;
        string_bytes += strlen(argv[count++]) + 1;
        if (string_bytes > kMaxArgBytes) return Error::InvalidArgument;
    }
    bool user_page = page_va >= USER_BASE && page_va <= USER_TOP - PAGE_SIZE;
    if (page_va % PAGE_SIZE != 0 || !user_page) return Error::InvalidArgument;
    // argc, the argv pointers, argv's null, envp's null, auxv's AT_NULL pair.
    uint64_t word_count = count + 5;
    uint64_t strings_at = PAGE_SIZE - string_bytes;
    uint64_t sp_offset = (strings_at - 8 * word_count) & ~uint64_t(15);
    auto* word = reinterpret_cast<uint64_t*>(page + sp_offset);
    word[0] = count;
    for (uint64_t i = 0; i < count; i++) {
        uint64_t size = strlen(argv[i]) + 1;
        memcpy(page + strings_at, argv[i], size);
        word[1 + i] = page_va + strings_at;
        strings_at += size;
    }
    for (uint64_t i = count + 1; i < word_count; i++) word[i] = 0;
    return page_va + sp_offset;
#else
    // LAB 5: Exercise 8.  Contract in spawn.h.  Threats: argv comes from
    // whoever called spawn: too many arguments or too many bytes must be
    // refused before a byte of the page changes, not discovered half-way;
    // every pointer the child reads must be a child address, not one of
    // this domain's; the page may hold anything; and a result that is not
    // 16-aligned or not inside the page breaks the ABI crt0 relies on.
    (void)page, (void)page_va, (void)argv;
    return Error::NotImplemented;
#endif
}

Result<uint64_t> spawn(const char* path, const char* const* argv, const int* fds, const char** why) {
    const char* ignored;
    if (why == nullptr) why = &ignored;
    *why = "";
    if (path == nullptr || path[0] == '\0') return Error::NotFound;
    ArgumentFrame arguments;
    uint64_t rsp = TRY(lay_out_arguments(TRY(map_argument_frame(arguments)), kArgumentPageVa, argv));
    exofs::Files files;
    TRY(child_files(fds, files));  // before the program is open: its fd is not the child's
    char full[256];
    bool bare = true;
    for (const char* c = path; *c; c++) bare = bare && *c != '/';
    if (bare && snprintf(full, sizeof full, "/bin/%s", path) >= static_cast<int>(sizeof full)) return Error::NameTooLong;
    int fd = TRY(exofs::open(bare ? full : path, exofs::kRead));
    FdCloser closer{fd};
    if (TRY(exofs::fstat(fd)).type != exofs::InodeType::File) return Error::IsDirectory;
    static Program program;  // 960 bytes: not on a 16 KiB stack
    TRY(read_program(fd, program, why));
    uint64_t dom = TRY(checked(sys_domain_create()));
    if (dom == 0) exit();  // not reached: the child runs the context build_child sets
    if (Result<void> r = build_child(dom, fd, program, arguments, rsp); !r) {
        (void)sys_domain_destroy(dom);
        *why = error_name(r.error());
        return r.error();
    }
    name_child(dom, path);
    // The fds count from here: before the child can run, and after every
    // step that may fail but one.
    if (Result<void> r = io::give_files(dom, files); !r) {
        (void)sys_domain_destroy(dom);
        return r.error();
    }
    if (Result<uint64_t> r = checked(sys_domain_set_runnable(dom, 1)); !r) {
        io::take_back_files(dom);
        (void)sys_domain_destroy(dom);
        return r.error();
    }
    return dom;
}
