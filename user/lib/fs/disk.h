// exolab: lab 5
// user/lib/fs/disk.h: the block device under exofs.
//
// In exolab the device is QEMU's IDE disk, driven from user mode by the ATA
// PIO driver (user/lib/fs/ata.cc) through ports the domain was granted with
// io_grant (DESIGN §3.5).  The file system sees only these three calls, so
// the same code runs against a file on the host (tools/fs-host/).
#pragma once

#include <cstdint>

#include "lib/result.h"

namespace disk {

// Sectors of the disk, or IoError when there is no disk (or the domain
// lacks the ports: then the first port access faults instead).
Result<uint64_t> sectors();

// Reads `count` sectors (1..256) from `lba` into buf (count * 512 bytes).
// InvalidArgument for a count out of range or a range past the disk's end;
// IoError when the device reports an error.
Result<void> read(uint64_t lba, uint32_t count, void* buf);

// Writes `count` sectors (1..256) from buf at `lba`; the data is on the
// device when it returns.  Errors as read.
Result<void> write(uint64_t lba, uint32_t count, const void* buf);

// The crash switch for the crash-consistency tests: once `sectors` more
// sectors have been written, the disk takes no further writes (write still
// returns success, as a cache would, but nothing reaches the medium), as
// if the power had failed there.  A write command cut in the middle leaves
// its first sectors written and the rest not.
// cut_power_after(~0) turns the power back on.
void cut_power_after(uint64_t sectors);

// Whether writes still reach the medium (false once the power is cut).
bool powered();

// Asks the kernel for the disk's ports (io_grant to this domain): granted
// to init, which may grant any port, and to a domain whose creator held
// them; a domain that holds them already may ask again.  Errors: those of
// io_grant (AccessDenied for a domain that may not have them).
Result<void> claim_ports();

}  // namespace disk
