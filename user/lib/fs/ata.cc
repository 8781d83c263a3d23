// exolab: lab 5
// user/lib/fs/ata.cc: disk.h on QEMU's IDE disk, an ATA PIO driver that runs
// in user mode (DESIGN §3.5).
//
// The disk is the master drive of the primary channel.  PIO means the CPU
// moves every word through the data port; the drive raises no interrupt
// (nIEN is set), so the driver polls the status register:
//
//   port  read                    write
//   0x1F0 data (16 bits)          data
//   0x1F1 error                   features
//   0x1F2 sector count            (LBA48: high byte first, then low)
//   0x1F3 LBA  0..7  (24..31)     the LBA registers take two bytes each
//   0x1F4 LBA  8..15 (32..39)     in LBA48 mode, the high one written
//   0x1F5 LBA 16..23 (40..47)     first
//   0x1F6 drive select            0x40: master, LBA mode
//   0x1F7 status                  command
//   0x3F6 alternate status        device control (bit 1: nIEN, bit 2: SRST)
//
//   status  BSY 0x80  DRDY 0x40  DF 0x20  DRQ 0x08  ERR 0x01
//
// While BSY is set the drive owns its registers and every other status bit
// is meaningless.  DRQ: the drive wants (or offers) one sector's 256 words
// through the data port.  ERR or DF: the command failed; both stay set
// until the next command is written.  A drive ignores a command written
// while BSY or DRQ is set; SRST (device control bit 2, set and then
// cleared) resets both drives of the channel and ends any transfer.  The
// caller serialises (the file system's lock): the drive takes one command
// at a time.
#include "lib/fs/disk.h"
#include "lib/fs/ports.h"
#include "lib/syscall.h"

namespace {

constexpr uint16_t kData = 0x1F0, kSectorCount = 0x1F2, kLbaLow = 0x1F3, kLbaMid = 0x1F4, kLbaHigh = 0x1F5;
constexpr uint16_t kDriveSelect = 0x1F6, kCommand = 0x1F7, kStatus = 0x1F7, kControl = 0x3F6;
constexpr uint8_t kBusy = 0x80, kFault = 0x20, kDataRequest = 0x08, kErr = 0x01;
constexpr uint8_t kNoInterrupts = 0x02, kSoftwareReset = 0x04;
constexpr uint8_t kMasterLba = 0x40;
constexpr uint8_t kIdentify = 0xEC, kReadExt = 0x24, kWriteExt = 0x34, kFlushExt = 0xEA;
constexpr uint32_t kWordsPerSector = 256;
constexpr uint32_t kMaxSectorsPerCall = 256;
// Polls before a drive is declared dead.  QEMU answers at once; a real
// drive spinning up takes seconds, and this is millions of reads.
constexpr uint64_t kPatience = 10000000;

uint64_t disk_sectors = 0;              // 0: not identified yet
uint64_t writes_left = ~uint64_t{0};    // the crash switch (cut_power_after)

// The status once the drive is no longer busy.  Errors: IoError when it
// stays busy past kPatience polls.
Result<uint8_t> status_when_idle() {
    for (uint64_t i = 0; i < kPatience; i++) {
        uint8_t status = inb(kStatus);
        if (!(status & kBusy)) return status;
    }
    return Error::IoError;
}

// Turns the drive's interrupt off and selects the master drive in LBA
// mode, for the command written next.
void select_drive() {
    outb(kControl, kNoInterrupts);
    outb(kDriveSelect, kMasterLba);
}

// Asks the drive who it is and learns its size.  Errors: IoError when there
// is no ATA disk there (no drive answers, or a packet device does).
Result<void> identify() {
    select_drive();
    if (inb(kStatus) == 0 || inb(kStatus) == 0xFF) return Error::IoError;  // no drive at all
    for (uint16_t port = kSectorCount; port <= kLbaHigh; port++) outb(port, 0);
    outb(kCommand, kIdentify);
    uint8_t answer = inb(kStatus);
    if (answer == 0) return Error::IoError;
    answer = TRY(status_when_idle());
    bool refused = (answer & (kErr | kFault)) != 0 || (answer & kDataRequest) == 0;
    if (refused || inb(kLbaMid) != 0 || inb(kLbaHigh) != 0) return Error::IoError;  // ATAPI, SATA
    uint16_t id[kWordsPerSector];
    insw(kData, id, kWordsPerSector);
    bool lba48 = id[83] & (1u << 10);
    disk_sectors = lba48 ? uint64_t(id[100]) | uint64_t(id[101]) << 16 | uint64_t(id[102]) << 32 |
                               uint64_t(id[103]) << 48
                         : uint64_t(id[60]) | uint64_t(id[61]) << 16;
    if (disk_sectors == 0) return Error::IoError;
    return {};
}

// The checks every transfer shares: the disk known, count 1..256, the
// range inside the disk.  Errors: IoError (no disk), InvalidArgument.
Result<void> check_range(uint64_t lba, uint32_t count) {
    if (disk_sectors == 0) TRY(identify());
    if (count == 0 || count > kMaxSectorsPerCall || lba >= disk_sectors || count > disk_sectors - lba) {
        return Error::InvalidArgument;
    }
    return {};
}

#if SOL >= 5
// Resets the channel: ends a transfer that someone left half-done.
Result<void> reset_channel() {
    outb(kControl, kNoInterrupts | kSoftwareReset);
    for (int i = 0; i < 8; i++) (void)inb(kControl);  // SRST must last 5 us: 8 port reads at least
    select_drive();
    TRY(status_when_idle());
    return {};
}

// Issues an LBA48 command for `count` (1..65536) sectors from `lba`.
Result<void> issue(uint8_t command, uint64_t lba, uint32_t count) {
    if (TRY(status_when_idle()) & kDataRequest) TRY(reset_channel());
    select_drive();
    outb(kSectorCount, uint8_t(count >> 8));
    outb(kLbaLow, uint8_t(lba >> 24));
    outb(kLbaMid, uint8_t(lba >> 32));
    outb(kLbaHigh, uint8_t(lba >> 40));
    outb(kSectorCount, uint8_t(count));
    outb(kLbaLow, uint8_t(lba));
    outb(kLbaMid, uint8_t(lba >> 8));
    outb(kLbaHigh, uint8_t(lba >> 16));
    outb(kCommand, command);
    return {};
}

// Waits for the end of the running command.  Errors: IoError if it failed.
Result<uint8_t> finished() {
    uint8_t status = TRY(status_when_idle());
    if (status & (kErr | kFault)) return Error::IoError;
    return status;
}

// Waits until the drive asks for (or offers) the next sector's words.
// Errors: IoError, as finished, or the drive is idle without DRQ.
Result<void> wait_data_request() {
    if (!(TRY(finished()) & kDataRequest)) return Error::IoError;
    return {};
}
#endif

}  // namespace

namespace disk {

Result<uint64_t> sectors() {
    if (disk_sectors == 0) TRY(identify());
    return disk_sectors;
}

Result<void> read(uint64_t lba, uint32_t count, void* buf) {
    TRY(check_range(lba, count));
#if SOL >= 5
    TRY(issue(kReadExt, lba, count));
    auto* words = static_cast<uint16_t*>(buf);
    for (uint32_t i = 0; i < count; i++, words += kWordsPerSector) {
        TRY(wait_data_request());
        insw(kData, words, kWordsPerSector);
    }
    return {};
#else
    // LAB 5: Exercise 2 (part 1). Move `count` sectors from the disk into
    // buf (the range is checked): from writing the command registers to the
    // last word, the protocol is yours (the table above, the handout's
    // section 3).  Contract: success means every byte of buf is the disk's;
    // otherwise IoError.  Threats: the drive may refuse the command, fail
    // half-way or never answer, and no wait may be unbounded; a command
    // that failed, or a transfer left half-done (by an earlier call, or by
    // a domain that died in the middle of one), must not make a later call
    // fail or return another command's data; and a word read before the
    // drive offers it is garbage.
    (void)buf, (void)kReadExt, (void)kLbaLow, (void)kSoftwareReset;
    return Error::NotImplemented;
#endif
}

Result<void> write(uint64_t lba, uint32_t count, const void* buf) {
    TRY(check_range(lba, count));
    if (writes_left < count) {  // the power fails during this write
        count = uint32_t(writes_left);
        writes_left = 0;
        if (count == 0) return {};
    } else if (writes_left != ~uint64_t{0}) {
        writes_left -= count;
    }
#if SOL >= 5
    TRY(issue(kWriteExt, lba, count));
    auto* words = static_cast<const uint16_t*>(buf);
    for (uint32_t i = 0; i < count; i++, words += kWordsPerSector) {
        TRY(wait_data_request());
        outsw(kData, words, kWordsPerSector);
    }
    TRY(finished());
    TRY(issue(kFlushExt, 0, 0));
    TRY(finished());
    return {};
#else
    // LAB 5: Exercise 2 (part 2). Move `count` sectors from buf to the disk.
    // Contract: success means the data is on the medium, not in the
    // drive's own write cache (the file system's journal orders its writes
    // and counts on that order surviving a power failure); errors and
    // threats as read.
    (void)buf, (void)kWriteExt, (void)kFlushExt;
    return Error::NotImplemented;
#endif
}

void cut_power_after(uint64_t sectors) { writes_left = sectors; }

bool powered() { return writes_left != 0; }

Result<void> claim_ports() {
    int64_t r = sys_io_grant(0, kData, 8);  // the command block, 0x1F0-0x1F7
    if (r >= 0) r = sys_io_grant(0, kControl, 1);
    if (r < 0) return static_cast<Error>(-r);
    return {};
}

}  // namespace disk
