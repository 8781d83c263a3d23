// exolab: lab 3
// kernel/selftest/loader_checks.cc: loader::load on an image made here
// (see loader_checks.h).
//
// The image is a program the ELF format allows but that user.ld.S never
// links: its code starts 16 bytes into a page, its data 16 bytes before a
// page's end, so the data's file bytes straddle two pages and its bss runs
// over a third.  Every byte of the file that no segment takes is non-zero,
// so a byte copied from the wrong place, or past p_filesz, shows.
//
//   file:   0x1010 code (0x20 bytes)     0x1ff0 data (0x20 bytes)
//   memory: 0x400010 .. 0x400030, RX    0x402ff0 .. 0x403010 file bytes, RW
//                                       0x403010 .. 0x404020 zero (bss)
//
// After a load each page must hold exactly the bytes the segments put
// there and zeros elsewhere, with the segment's rights, and the domain's
// exported `frames` count every frame it got.  Then a second load runs
// with one frame free: the first page's frame can be had, its page table
// cannot, and that frame must come back at once.
#include "selftest/loader_checks.h"

#include "abi/layout.h"
#include "domain/domain.h"
#include "domain/loader.h"
#include "lib/elf.h"
#include "lib/string.h"
#include "mm/frames.h"
#include "mm/paging.h"
#include "selftest/check.h"
#include "selftest/domain_checks.h"

namespace selftest {
namespace {

constexpr uint64_t kCodeVa = 0x400010, kCodeOffset = 0x1010, kCodeSize = 0x20;
constexpr uint64_t kDataVa = 0x402ff0, kDataOffset = 0x1ff0, kDataFileSize = 0x20, kDataMemSize = 0x1030;
constexpr size_t kImageSize = 0x2100;  // bytes past the data's: a loader must not copy them
constexpr uint16_t kHoarder = 1000;    // owns the frames taken away (no domain has this id)

alignas(8) uint8_t image[kImageSize];

// Writes the program described above into `image`.
void make_image() {
    for (size_t i = 0; i < kImageSize; i++) image[i] = static_cast<uint8_t>(0x80 | (i * 7 & 0x7f));
    elf::Header header{};
    memcpy(header.ident, "\x7f" "ELF", 4);
    header.ident[4] = elf::kClass64;
    header.ident[5] = elf::kDataLittleEndian;
    header.ident[6] = 1;  // EV_CURRENT
    header.type = elf::kTypeExecutable;
    header.machine = elf::kMachineX86_64;
    header.version = 1;
    header.entry = kCodeVa;
    header.phoff = sizeof(elf::Header);
    header.ehsize = sizeof(elf::Header);
    header.phentsize = sizeof(elf::ProgramHeader);
    header.phnum = 2;
    elf::ProgramHeader segments[2] = {
        {elf::kSegmentLoad, elf::kSegmentExecute | 4, kCodeOffset, kCodeVa, kCodeVa, kCodeSize, kCodeSize, kPageSize},
        {elf::kSegmentLoad, elf::kSegmentWrite | 4, kDataOffset, kDataVa, kDataVa, kDataFileSize, kDataMemSize,
         kPageSize},
    };
    memcpy(image, &header, sizeof(header));
    memcpy(image + header.phoff, segments, sizeof(segments));
}

// The byte the program must find at `va` once loaded.
uint8_t expected(uint64_t va) {
    if (va >= kCodeVa && va < kCodeVa + kCodeSize) return image[kCodeOffset + (va - kCodeVa)];
    if (va >= kDataVa && va < kDataVa + kDataFileSize) return image[kDataOffset + (va - kDataVa)];
    return 0;
}

// Every page of the program in `d`: mapped or not as it should be, its
// rights, each of its bytes.
Result<void> check_pages(const domain::Domain& d) {
    struct Page {
        uint64_t va;
        bool mapped, writable, executable;
    };
    const Page pages[] = {{0x400000, true, false, true},
                          {0x401000, false, false, false},
                          {0x402000, true, true, false},
                          {0x403000, true, true, false},
                          {0x404000, true, true, false},
                          {0x405000, false, false, false}};
    for (const Page& page : pages) {
        Result<paging::Mapping> m = paging::lookup(d.root, VirtAddr(page.va));
        CHECK(m.ok() == page.mapped, "page %lx is %smapped", page.va, m.ok() ? "" : "not ");
        if (!m.ok()) continue;
        PageFlags f = m.value().flags;
        CHECK(has(f, PageFlags::User) && has(f, PageFlags::Writable) == page.writable &&
                  !has(f, PageFlags::NoExecute) == page.executable,
              "page %lx: user %d writable %d executable %d (expected 1 %d %d)", page.va, has(f, PageFlags::User),
              has(f, PageFlags::Writable), !has(f, PageFlags::NoExecute), page.writable, page.executable);
        const uint8_t* bytes = m.value().pa.to_virt<uint8_t>();
        for (uint64_t i = 0; i < kPageSize; i++) {
            CHECK(bytes[i] == expected(page.va + i), "the byte at %lx is 0x%x, not 0x%x", page.va + i, bytes[i],
                  expected(page.va + i));
        }
    }
    CHECK(domain::info(d).frames == 4 + loader::kStackPages, "the domain's exported frames say %lu, not %lu",
          domain::info(d).frames, 4 + loader::kStackPages);
    return {};
}

// Takes every free frame but `left` for kHoarder; give_back() returns them.
Result<void> hoard(size_t left) {
    while (frames::free_count() > left) TRY(frames::alloc(FrameKind::User, kHoarder));
    return {};
}

void give_back() {
    for (Pfn p = 0; p < frames::count(); p++) {
        if (frames::info(p).kind == FrameKind::User && frames::info(p).owner == kHoarder) MUST(frames::release(p));
    }
}

// A load that runs out of frames for a page table gives back the page's frame.
Result<void> check_short_of_frames(domain::Domain& d) {
    TRY(hoard(1));
    const char* reason = "";
    Result<void> loaded = loader::load(d, image, kImageSize, &reason);
    size_t left = frames::free_count();
    give_back();
    CHECK(!loaded.ok() && loaded.error() == Error::NoMemory, "a load with one free frame: %s, not NoMemory",
          loaded.ok() ? "ok" : error_name(loaded.error()));
    CHECK(left == 1, "a load with one frame free (its first page's, but none for a page table) left %lu free: "
          "the frame of a page that could not be mapped must go back at once", left);
    return {};
}

// The image loads into `d` as it should.
Result<void> check_loaded(domain::Domain& d) {
    const char* reason = "";
    Result<void> loaded = loader::load(d, image, kImageSize, &reason);
    CHECK(loaded.ok(), "load failed on a valid image: %s", reason);
    return check_pages(d);
}

Result<void> check_load() {
    make_image();
    TRY(on_fresh_domain("loadcheck", check_loaded));
    return on_fresh_domain("loadcheck", check_short_of_frames);
}

}  // namespace

void load_check() {
    Result<void> r = check_load();
    kprintf("check loadcheck: %s\n", r.ok() ? "ok" : "FAILED");
}

}  // namespace selftest
