// exolab: lab 5
// user/bin/diskrw.cc: the ATA driver against the disk the harness made.
//
// The harness fills sector n of a fresh image with the pattern
// "sector <n>" (the rest zero).  This program, run as init (which may grant
// any port), takes the disk's ports, then checks what the driver reads,
// writes sectors 100..107 in one call and reads them back, and shows the
// errors of a range past the end of the disk; then it makes the drive
// fail a command of its own (a read past the end, written to the ports by
// hand), then leaves a read unfinished, and checks after each that the
// driver still reads and writes.  Last, it reads 4 sectors across sector
// kUnreadable, which the harness's disk fails to read (QEMU's blkdebug
// driver injects an I/O error there, and the drive reports ERR): the read
// must fail, not return what the data port happens to hold; and writes
// sector kUnwritable, whose writes fail the same way: IoError, not done.
// It prints
// "diskrw: wrote <lba>" so that the harness can read the image afterwards.
#include "lib/fs/disk.h"
#include "lib/fs/ports.h"
#include "lib/libos.h"

namespace {

char buf[256 * 512];

constexpr uint64_t kUnreadable = 4000;  // grade/test_lab5_disk.py fails its reads
constexpr uint64_t kUnwritable = 4100;  // and its writes

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

// Writes a READ SECTORS EXT of `count` sectors at `lba` to the ports by
// hand, as another driver might, reads none of its data, and returns the
// drive's status once it is no longer busy.
uint8_t read_by_hand(uint64_t lba, uint8_t count) {
    outb(0x1F6, 0x40);
    outb(0x1F2, 0);
    for (uint16_t port = 0x1F3; port <= 0x1F5; port++) outb(port, uint8_t(lba >> (24 + 8 * (port - 0x1F3))));
    outb(0x1F2, count);
    for (uint16_t port = 0x1F3; port <= 0x1F5; port++) outb(port, uint8_t(lba >> (8 * (port - 0x1F3))));
    outb(0x1F7, 0x24);
    uint8_t status = inb(0x1F7);
    for (int i = 0; i < 1000000 && (status & 0x80); i++) status = inb(0x1F7);
    return status;
}

// Reads sector 7 and writes sector 99 through the driver, and says how
// they went.
void report_read_and_write(const char* when) {
    Result<void> got = disk::read(7, 1, buf);
    char want[32];
    snprintf(want, sizeof(want), "sector 7");
    const char* read_says = !got.ok() ? error_name(got.error()) : strcmp(buf, want) == 0 ? "ok" : "wrong data";
    snprintf(buf, 512, "after the error");
    Result<void> put = disk::write(99, 1, buf);
    printf("diskrw: %s read %s, write %s\n", when, read_says, put.ok() ? "ok" : error_name(put.error()));
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

    uint8_t status = read_by_hand(n + 10, 1);
    printf("diskrw: the drive refused a read past the end: %s\n", status & 0x01 ? "ERR" : "no error?");
    report_read_and_write("then");
    status = read_by_hand(3, 2);
    printf("diskrw: a read of 2 sectors left unread: %s\n", status & 0x08 ? "DRQ" : "no DRQ?");
    report_read_and_write("then");
    Result<void> bad = disk::read(kUnreadable - 2, 4, buf);
    printf("diskrw: a read across a sector the drive cannot read: %s\n",
           bad.ok() ? "ok (the data is garbage)" : error_name(bad.error()));
    report_read_and_write("then");
    snprintf(buf, 512, "never written");
    bad = disk::write(kUnwritable, 1, buf);
    printf("diskrw: a write to a sector the drive cannot write: %s\n", bad.ok() ? "ok" : error_name(bad.error()));
    report_read_and_write("then");
    return 0;
}
