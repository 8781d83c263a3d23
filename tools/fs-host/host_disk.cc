// exolab: lab 5
// tools/fs-host/host_disk.cc: disk.h over a file, with the power switch of
// the crash tests.
#include <fcntl.h>
#include <unistd.h>

#include "host.h"
#include "lib/fs/disk.h"

namespace {

int image = -1;
uint64_t image_sectors;
uint64_t written;      // sectors written since power on
uint64_t cut_at = ~0ull;  // the power goes after this many
uint64_t fail_at = ~0ull;  // the medium fails after this many

bool in_range(uint64_t lba, uint32_t count) {
    return count >= 1 && count <= 256 && lba <= image_sectors && count <= image_sectors - lba;
}

}  // namespace

bool host_disk_open(const char* path, uint64_t bytes) {
    if (image >= 0) ::close(image);
    image = ::open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (image < 0 || ::ftruncate(image, static_cast<off_t>(bytes)) != 0) return false;
    image_sectors = bytes / 512;
    host_disk_restore_power();
    return true;
}

bool host_disk_attach(const char* path) {
    if (image >= 0) ::close(image);
    image = ::open(path, O_RDWR);
    off_t bytes = image < 0 ? -1 : ::lseek(image, 0, SEEK_END);
    if (bytes < 0) return false;
    image_sectors = static_cast<uint64_t>(bytes) / 512;
    host_disk_restore_power();
    return true;
}

bool host_disk_powered() { return written < cut_at; }

uint64_t host_disk_sectors_written() { return written; }

void host_disk_restore_power() {
    written = 0;
    cut_at = ~0ull;
    fail_at = ~0ull;
}

void host_disk_fail_writes_after(uint64_t sectors) { fail_at = sectors == ~0ull ? sectors : written + sectors; }

namespace disk {

Result<uint64_t> sectors() {
    if (image < 0) return Error::IoError;
    return image_sectors;
}

Result<void> read(uint64_t lba, uint32_t count, void* buf) {
    if (image < 0) return Error::IoError;
    if (!in_range(lba, count)) return Error::InvalidArgument;
    ssize_t n = ::pread(image, buf, count * 512ul, static_cast<off_t>(lba * 512));
    if (n != static_cast<ssize_t>(count * 512ul)) return Error::IoError;
    return {};
}

Result<void> write(uint64_t lba, uint32_t count, const void* buf) {
    if (image < 0) return Error::IoError;
    if (!in_range(lba, count)) return Error::InvalidArgument;
    // Only the sectors before the cut, or before the failure, reach the file.
    uint64_t stop = cut_at < fail_at ? cut_at : fail_at;
    uint64_t take = written >= stop ? 0 : stop - written < count ? stop - written : count;
    bool fails = written + count > fail_at;
    written += count;
    if (take != 0) {
        ssize_t n = ::pwrite(image, buf, take * 512, static_cast<off_t>(lba * 512));
        if (n != static_cast<ssize_t>(take * 512)) return Error::IoError;
    }
    return fails ? Result<void>(Error::IoError) : Result<void>();
}

void cut_power_after(uint64_t sectors) { cut_at = written + sectors; }

}  // namespace disk
