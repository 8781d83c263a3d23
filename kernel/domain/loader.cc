// exolab: lab 3
// kernel/domain/loader.cc: validate an ELF64 executable, then load it.
#include "domain/loader.h"

#include "abi/layout.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/gdt.h"
#include "lib/align.h"
#include "lib/elf.h"
#include "lib/string.h"
#include "mm/frames.h"
#include "mm/paging.h"

namespace loader {
namespace {

constexpr size_t kMaxSegments = 16;
constexpr uint64_t kStackBottom = USTACK_TOP - kStackPages * PAGE_SIZE;

// Sets *reason and returns InvalidArgument: `return reject(reason, "...")`.
Error reject(const char** reason, const char* why) {
    *reason = why;
    return Error::InvalidArgument;
}

// Whether segment `s` is one the loader maps: PT_LOAD with a size.
bool loadable(const elf::ProgramHeader& s) { return s.type == elf::kSegmentLoad && s.memsz != 0; }

#if SOL >= 3
// The file header and the program header table; on success *segments
// points at the table inside the image.
Result<void> check_header(const uint8_t* image, size_t size, const elf::ProgramHeader** segments,
                          const char** reason) {
    if (size < sizeof(elf::Header)) return reject(reason, "file smaller than an ELF header");
    const auto* file = reinterpret_cast<const elf::Header*>(image);
    if (memcmp(file->ident, "\x7f" "ELF", 4) != 0) return reject(reason, "not an ELF file (bad magic)");
    if (file->ident[4] != elf::kClass64) return reject(reason, "not a 64-bit ELF file");
    if (file->ident[5] != elf::kDataLittleEndian) return reject(reason, "not little-endian");
    if (file->type != elf::kTypeExecutable) return reject(reason, "not an executable (ET_EXEC)");
    if (file->machine != elf::kMachineX86_64) return reject(reason, "not an x86-64 program");
    if (file->phentsize != sizeof(elf::ProgramHeader)) return reject(reason, "unexpected program header size");
    if (file->phnum == 0 || file->phnum > kMaxSegments) return reject(reason, "no program headers, or too many");
    if (file->phoff > size || file->phnum * sizeof(elf::ProgramHeader) > size - file->phoff) {
        return reject(reason, "program header table beyond the end of the file");
    }
    if (file->phoff % alignof(elf::ProgramHeader) != 0) return reject(reason, "misaligned program header table");
    *segments = reinterpret_cast<const elf::ProgramHeader*>(image + file->phoff);
    return {};
}

// One loadable segment against the file and the user address space.
Result<void> check_segment(const elf::ProgramHeader& s, size_t size, const char** reason) {
    if (s.filesz > s.memsz) return reject(reason, "segment file size exceeds its memory size");
    if (s.offset > size || s.filesz > size - s.offset) return reject(reason, "segment data beyond the end of the file");
    if (s.vaddr < kUserBase || s.memsz > kStackBottom - kPageSize || s.vaddr > kStackBottom - kPageSize - s.memsz) {
        return reject(reason, "segment outside user program space");
    }
    if (s.vaddr % kPageSize != s.offset % kPageSize) return reject(reason, "segment misaligned in the file");
    if ((s.flags & elf::kSegmentWrite) && (s.flags & elf::kSegmentExecute)) {
        return reject(reason, "segment both writable and executable");
    }
    return {};
}

// The loadable segments together, each already accepted alone: no two of
// them share a page, and the entry point lies in an executable one.
Result<void> check_layout(uint64_t entry, const elf::ProgramHeader* segments, size_t count, const char** reason) {
    bool entry_ok = false;
    const elf::ProgramHeader* end = segments + count;
    for (const elf::ProgramHeader* a = segments; a != end; a++) {
        if (!loadable(*a)) continue;
        uint64_t a_first = round_down(a->vaddr, kPageSize), a_end = round_up(a->vaddr + a->memsz, kPageSize);
        for (const elf::ProgramHeader* b = segments; b != a; b++) {
            if (!loadable(*b)) continue;
            if (a_first < round_up(b->vaddr + b->memsz, kPageSize) && round_down(b->vaddr, kPageSize) < a_end) {
                return reject(reason, "two segments share a page");
            }
        }
        if ((a->flags & elf::kSegmentExecute) && entry >= a->vaddr && entry - a->vaddr < a->memsz) entry_ok = true;
    }
    if (!entry_ok) return reject(reason, "entry point not in an executable segment");
    return {};
}
#endif

// Accepts exactly the images that load (below) and start_program can run
// safely; see Exercise 5.  Errors: InvalidArgument, with *reason set
// (reject()).
Result<void> check_program(const uint8_t* image, size_t size, const char** reason) {
#if SOL >= 3
    const elf::ProgramHeader* segments;
    TRY(check_header(image, size, &segments, reason));
    const auto* file = reinterpret_cast<const elf::Header*>(image);
    for (const elf::ProgramHeader* s = segments; s != segments + file->phnum; s++) {
        if (loadable(*s)) TRY(check_segment(*s, size, reason));
    }
    return check_layout(file->entry, segments, file->phnum, reason);
#else
    // LAB 3: Exercise 5. The loader's gate: an image passes only if it is
    // a program this kernel runs (an ELF64, little-endian, x86-64
    // executable, ET_EXEC, whose program header table holds 1 to
    // kMaxSegments entries of exactly elf::ProgramHeader's size, aligned,
    // and whose segments' offsets and addresses agree modulo the page size,
    // as the ELF format requires) and, once it has passed, everything load
    // does with it is safe without another check: load maps each loadable
    // segment (PT_LOAD, p_memsz != 0; other kinds are ignored) page by
    // page with a fresh frame (load_segment), copies its p_filesz bytes
    // from p_offset, then maps the stack below kStackBottom and starts the
    // program at e_entry.  So every byte read lies in [image, image +
    // size); each segment lies in the program part of user space,
    // [kUserBase, kStackBottom - PAGE_SIZE), below the stack's guard page;
    // no page belongs to two segments and none is writable and executable;
    // and e_entry is code.  Threat: the image is the attacker's.  Every
    // field is a lie until checked against the file, a table may have any
    // length or none, segments come in any order and need not start on a
    // page, and a sum of two fields can wrap past 2^64 and pass a test
    // that adds them.  Reading outside the image is the kernel's fault, not
    // the file's.
    (void)image, (void)size, (void)reason, (void)reject, (void)kMaxSegments;
    return Error::NotImplemented;
#endif
}

#if SOL >= 3
// Maps a fresh frame owned by `d` at user page `va` with `flags` and
// returns a kernel pointer to it.
Result<uint8_t*> map_new_page(domain::Domain& d, uint64_t va, PageFlags flags) {
    Pfn pfn = TRY(frames::alloc(FrameKind::User, d.id));
    if (Result<void> r = paging::map(d.root, VirtAddr(va), PhysAddr::from_pfn(pfn), flags | PageFlags::User, d.id);
        !r.ok()) {
        MUST(frames::release(pfn));
        return r.error();
    }
    domain::info(d).frames++;
    return PhysAddr::from_pfn(pfn).to_virt<uint8_t>();
}
#endif

// Maps segment `s` of a checked image into `d`: a zeroed frame per page,
// the file's bytes copied in.
Result<void> load_segment(domain::Domain& d, const uint8_t* image, const elf::ProgramHeader& s) {
#if SOL >= 3
    PageFlags flags = PageFlags::None;
    if (s.flags & elf::kSegmentWrite) flags = flags | PageFlags::Writable;
    if (!(s.flags & elf::kSegmentExecute)) flags = flags | PageFlags::NoExecute;
    for (uint64_t page = round_down(s.vaddr, kPageSize); page < s.vaddr + s.memsz; page += kPageSize) {
        uint8_t* frame = TRY(map_new_page(d, page, flags));
        // The part of [vaddr, vaddr + filesz) that falls in this page.
        uint64_t from = page > s.vaddr ? page : s.vaddr;
        uint64_t to = page + kPageSize < s.vaddr + s.filesz ? page + kPageSize : s.vaddr + s.filesz;
        if (from < to) memcpy(frame + (from - page), image + s.offset + (from - s.vaddr), to - from);
    }
    return {};
#else
    // LAB 3: Exercise 2. Afterwards every page of [s.vaddr, s.vaddr +
    // s.memsz) is a fresh frame of d's own, counted in d's exported entry
    // (`frames`, which destroy and UFRAMES readers trust), mapped with exactly
    // the segment's rights (writable only with PF_W, executable only with
    // PF_X), holding the file's bytes [s.offset, s.offset + s.filesz) at
    // [s.vaddr, s.vaddr + s.filesz) and zeros everywhere else.  Threat:
    // a segment need not start or end on a page boundary; a byte copied
    // to the wrong place, or a stale byte left in the bss, is a program
    // that misbehaves with no error to tell why.  A page that cannot be
    // mapped (no frame left for a page table) fails the load, and its
    // frame goes back: d owns no frame it does not map.  Exercise 15's
    // stack is made of such pages too: a helper of yours can serve both.
    (void)d, (void)image, (void)s;
    return Error::NotImplemented;
#endif
}

}  // namespace

Result<void> load(domain::Domain& d, const uint8_t* image, size_t size, const char** reason) {
    *reason = "";
    TRY(check_program(image, size, reason));
    auto* h = reinterpret_cast<const elf::Header*>(image);
    auto* segments = reinterpret_cast<const elf::ProgramHeader*>(image + h->phoff);
    for (size_t i = 0; i < h->phnum; i++) {
        if (loadable(segments[i])) {
            if (Result<void> r = load_segment(d, image, segments[i]); !r.ok()) {
                *reason = error_name(r.error());
                return r.error();
            }
        }
    }
#if SOL >= 3
    for (uint64_t va = kStackBottom; va < USTACK_TOP; va += kPageSize) {
        if (Result<uint8_t*> r = map_new_page(d, va, PageFlags::Writable | PageFlags::NoExecute); !r.ok()) {
            *reason = "no memory for the user stack";
            return r.error();
        }
    }
    d.context = TrapFrame{};
    d.context.rip = h->entry;
    d.context.rsp = USTACK_TOP;
    d.context.cs = gdt::kUserCode;
    d.context.ss = gdt::kUserData;
    d.context.rflags = cpu::kRflagsInterrupt | cpu::kRflagsReserved;
#else
    // LAB 3: Exercise 15. The program's stack and first context.  The
    // stack is [kStackBottom, USTACK_TOP), frames of d's own, writable and
    // never executable, with the unmapped guard page below it (check_segment
    // keeps segments out of it); NoMemory fails the load with a reason.
    // d.context is what run() resumes: the entry point, an empty stack
    // (crt0: sp == USTACK_TOP means no arguments), the user selectors of
    // gdt.h, interrupts enabled.  Threat: every bit of that frame reaches
    // the CPU by iretq: a selector or an rflags bit the domain must not
    // have (IOPL, TF, AC, DF, NT) is the domain's from its first
    // instruction.
    *reason = "NotImplemented";
    return Error::NotImplemented;
#endif
    return {};
}

}  // namespace loader
