// exolab: lab 4
// user/bin/hostileuarea.cc: the u-area stays the kernel's frame
// (DESIGN §3.1, §3.3).
//
// The page at UAREA is the domain's, but its frame is the kernel's: map
// and unmap refuse UAREA (InvalidArgument), in the domain itself and in a
// child, and frame_free refuses the u-area's frame (AccessDenied: the
// domain does not own it).  Each line prints one call's result.  After
// them upcalls must still work: a page fault reaches its handler.
#include "lib/libos.h"
#include "lib/upcall.h"
#include "lib/windows.h"

namespace {

constexpr uint64_t kUnmapped = 0x30000000;

// Maps a fresh page where the fault landed.
void map_page(UArea& u) {
    printf("hostileuarea: fault at %lx handled\n", u.fault_address);
    int64_t pfn = sys_frame_alloc(0);
    if (pfn < 0 || sys_map(0, u.fault_address & ~(PAGE_SIZE - 1), static_cast<uint64_t>(pfn), PERM_W) < 0) exit();
}

}  // namespace

int main() {
    uint64_t uarea_pfn = pte_frame(lookup_pte(UAREA));
    int64_t pfn = sys_frame_alloc(0);
    int64_t child = sys_domain_create();
    if (child == 0) panic("the child never runs");
    if (pfn < 0 || child < 0) panic("no frame or no child");
    uint64_t frame = static_cast<uint64_t>(pfn), dom = static_cast<uint64_t>(child);
    printf("hostileuarea: map at UAREA: %s\n", result_name(sys_map(0, UAREA, frame, PERM_W)));
    printf("hostileuarea: map at the child's UAREA: %s\n", result_name(sys_map(dom, UAREA, frame, PERM_W)));
    printf("hostileuarea: unmap UAREA: %s\n", result_name(sys_unmap(0, UAREA)));
    printf("hostileuarea: unmap the child's UAREA: %s\n", result_name(sys_unmap(dom, UAREA)));
    printf("hostileuarea: free the u-area's frame: %s\n", result_name(sys_frame_free(uarea_pfn)));
    printf("hostileuarea: still mapped at UAREA: %s\n", pte_frame(lookup_pte(UAREA)) == uarea_pfn ? "yes" : "no");
    set_fault_handler(14, map_page);
    *reinterpret_cast<volatile uint32_t*>(kUnmapped) = 1;
    printf("hostileuarea: main resumed\n");
    return 0;
}
