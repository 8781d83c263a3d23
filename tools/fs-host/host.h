// exolab: lab 5
// tools/fs-host/host.h: the host stand-ins for exofs's QEMU parts, for the
// host tests: a disk that is a file (host_disk.cc) and a region of shared
// memory that fork()ed host processes share (host_region.cc).
#pragma once

#include <cstdint>

// Opens (creating or truncating to `bytes`) the image file at path as the
// disk; true on success.  Power is on.
bool host_disk_open(const char* path, uint64_t bytes);

// Opens the existing image file at path as the disk, its size as it is;
// true on success.  Power is on.
bool host_disk_attach(const char* path);

// Whether the disk still takes writes (cut_power_after has not cut it).
bool host_disk_powered();

// Sectors written since the disk was opened or the power restored.
uint64_t host_disk_sectors_written();

// The medium error of the I/O-error tests: once `sectors` more sectors
// have been written, every write fails with IoError (a command that
// crosses the point writes the sectors before it), until called with ~0
// or the power is restored.
void host_disk_fail_writes_after(uint64_t sectors);

// Turns the power back on (writes reach the file again) and resets the count.
void host_disk_restore_power();

// Forgets all shared state, as a machine that lost power forgets memory:
// the region is zeroed (unmounted, empty cache, no open files).
void host_region_reset();
