// exolab: lab 3
// user/bin/readwindows.cc: reads the exported windows.  Through UVPT it
// finds the page-table entries of its own text and data pages, checks their
// rights, and through UFRAMES checks that their frames belong to this
// domain.  Then it writes to UVPT, which is read-only: the page fault must
// kill the domain.
#include "lib/libos.h"
#include "lib/windows.h"
#include "lib/x86.h"

namespace {

uint64_t some_data = 1;  // a page of .data, writable

// Prints what UVPT and UFRAMES say about the page at `va`; panics unless
// it is present, user, has the expected rights and belongs to this domain.
void check_page(const char* what, uint64_t va, bool writable, bool executable) {
    uint64_t pte = lookup_pte(va);
    uint64_t pfn = pte_frame(pte);
    const FrameInfo& frame = frame_table()[pfn];
    printf("readwindows: %s page %016lx: pte %016lx, frame %lx, owner %u, kind %u, map_count %u\n", what, va,
           pte, pfn, frame.owner, static_cast<unsigned>(frame.kind), frame.map_count);
    if (!(pte & kPtePresent) || !(pte & kPteUser)) panic("%s: not a present user page", what);
    if (!!(pte & kPteWritable) != writable) panic("%s: writable should be %d", what, writable);
    if (!(pte & kPteNoExecute) != executable) panic("%s: executable should be %d", what, executable);
    if (frame.owner != static_cast<uint64_t>(sys_self())) panic("%s: frame owner is not this domain", what);
    if (frame.kind != FrameKind::User) panic("%s: frame kind is not User", what);
}

}  // namespace

int main() {
    check_page("text", reinterpret_cast<uint64_t>(&main) & ~uint64_t{PAGE_SIZE - 1}, false, true);
    check_page("data", reinterpret_cast<uint64_t>(&some_data) & ~uint64_t{PAGE_SIZE - 1}, true, false);
    printf("readwindows: reads ok\n");
    uint64_t target = entry_address(reinterpret_cast<uint64_t>(&main), 1);
    printf("readwindows: writing to UVPT at %016lx\n", target);
    store_to(target, 0);
    printf("readwindows: still alive after writing to UVPT\n");
    return 0;
}
