// exolab: lab 3
// user/bin/frameexhaust.cc: frame exhaustion and recovery.
//
// Allocates frames until the kernel says NoMemory, frees them all, and
// checks that memory is back where it started.  The frame table (UFRAMES)
// shows the free count at each step without a system call.
#include "lib/libos.h"
#include "lib/windows.h"

namespace {

constexpr size_t kMaxFrames = 256 * 1024;  // 1 GiB of frames; the grader boots with 128 MiB
uint32_t allocated[kMaxFrames];            // the frames taken, to give them back

}  // namespace

int main() {
    size_t free_before = count_frames(FrameKind::Free);
    printf("frameexhaust: %zu frames free before\n", free_before);

    size_t count = 0;
    int64_t result;
    while ((result = sys_frame_alloc(0)) >= 0) {
        if (count == kMaxFrames) panic("more than %zu frames: raise kMaxFrames", kMaxFrames);
        allocated[count++] = static_cast<uint32_t>(result);
    }
    size_t free_exhausted = count_frames(FrameKind::Free);
    printf("frameexhaust: allocated %zu frames until %s; %zu free then\n", count, result_name(result),
           free_exhausted);

    for (size_t i = 0; i < count; i++) {
        int64_t freed = sys_frame_free(allocated[i]);
        if (freed < 0) panic("sys_frame_free(%x): %s", allocated[i], result_name(freed));
    }
    size_t free_after = count_frames(FrameKind::Free);
    printf("frameexhaust: freed %zu frames; %zu free after\n", count, free_after);

    int64_t again = sys_frame_alloc(0);
    printf("frameexhaust: allocating once more: %s\n", result_name(again));
    return 0;
}
