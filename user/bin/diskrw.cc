// exolab: lab 5
// user/bin/diskrw.cc: the ATA driver against the disk the harness made.
//
// The harness fills sector n of a fresh image with the pattern
// "sector <n>" (the rest zero).  This program, run as init (which may grant
// any port), takes the disk's ports, then checks what the driver reads,
// writes sectors 100..107 in one call and reads them back, and shows the
// errors of a range past the end of the disk.  It prints
// "diskrw: wrote <lba>" so that the harness can read the image afterwards.
#include "lib/fs/disk.h"
#include "lib/libos.h"

namespace {

char buf[256 * 512];

// Asks for the disk's ports: the eight command-block ports and the
// device-control port.
void claim_disk() {
    int64_t r1 = sys_io_grant(0, 0x1F0, 8), r2 = sys_io_grant(0, 0x3F6, 1);
    if (r1 < 0 || r2 < 0) panic("io_grant: %s, %s", result_name(r1), result_name(r2));
}

void expect_pattern(uint64_t lba, const char* sector) {
    char want[32];
    snprintf(want, sizeof(want), "sector %lu", lba);
    if (strcmp(sector, want) != 0) panic("sector %lu holds \"%.20s\"", lba, sector);
}

}  // namespace

int main() {
    claim_disk();
    uint64_t n = MUST(disk::sectors());
    printf("diskrw: %lu sectors\n", n);
    MUST(disk::read(0, 1, buf));
    expect_pattern(0, buf);
    MUST(disk::read(5, 256, buf));  // the most one call moves
    for (uint64_t i = 0; i < 256; i++) expect_pattern(5 + i, buf + 512 * i);
    MUST(disk::read(n - 1, 1, buf));
    expect_pattern(n - 1, buf);
    printf("diskrw: read ok\n");

    for (uint64_t i = 0; i < 8; i++) snprintf(buf + 512 * i, 512, "written %lu", 100 + i);
    MUST(disk::write(100, 8, buf));
    memset(buf, 0, 8 * 512);
    MUST(disk::read(100, 8, buf));
    for (uint64_t i = 0; i < 8; i++) {
        char want[32];
        snprintf(want, sizeof(want), "written %lu", 100 + i);
        if (strcmp(buf + 512 * i, want) != 0) panic("sector %lu reads back \"%.20s\"", 100 + i, buf + 512 * i);
    }
    printf("diskrw: wrote 100\n");

    Result<void> past = disk::read(n - 1, 2, buf), zero = disk::write(0, 0, buf), big = disk::read(0, 257, buf);
    printf("diskrw: past the end %s, zero sectors %s, 257 sectors %s\n", past.ok() ? "ok" : error_name(past.error()),
           zero.ok() ? "ok" : error_name(zero.error()), big.ok() ? "ok" : error_name(big.error()));
    return 0;
}
