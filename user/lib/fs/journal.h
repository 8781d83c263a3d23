// exolab: lab 5
// user/lib/fs/journal.h: exofs's write-ahead journal (format.h, DESIGN §3.5).
//
// The disk changes only by transactions.  An operation marks the cache
// blocks it changes dirty (cache::mark_dirty); a dirty block is never
// written home before its transaction commits.  One transaction gathers
// the changes of many operations and commits on sync, or when the next
// operation's reserve (the most blocks it may dirty) would not fit in the
// log.  So a crash at any sector write leaves the disk as it was after
// some commit, and everything synced before the crash is there.
#pragma once

#include <cstdint>

#include "lib/fs/format.h"
#include "lib/result.h"

namespace exofs::journal {

// Starts an operation that dirties at most `reserve` more blocks, first
// committing the running transaction if they might not fit in the log.
// Errors: those of commit.
Result<void> begin_op(uint32_t reserve);

// Writes the running transaction to the disk (write_transaction) and
// starts an empty one.  Errors: IoError (the transaction stays in the
// cache, dirty, and the next commit writes it again).  A failed write may
// have left its commit record on the disk, naming log blocks the next
// write would overwrite; so the commit after a failure first finishes
// that record by replay, and fails again (writing nothing new) if it
// cannot.
Result<void> commit();

// Finishes whatever commit record the disk may still hold (one a failed
// commit left, or one a domain that died inside a commit was writing) by
// replay, and marks the log settled.  Errors: those of replay.
Result<void> settle();

// Writes block data[i] (a kBlockSize buffer) to disk block home[i] for
// every i < count (count <= the log's capacity), atomically: if the power
// fails at any sector write during the call, the disk after replay holds
// either every home block as it was or every one as data[i]; once it
// returns, every home block is data[i] and the log holds nothing to
// replay.  Errors: IoError (nothing is known then but atomicity).
Result<void> write_transaction(const SuperBlock& sb, uint32_t count, const uint32_t* home,
                               const uint8_t* const* data);

// At mount: if the log holds a committed transaction (format.h), copies
// each of its logged blocks home; once it returns, the log holds nothing
// to replay (an all-zero record, a log never written, is empty too).  A
// crash during replay leaves a log that replays again.  `scratch` is a
// kBlockSize buffer.  Errors: Corrupt for a record that is neither empty
// nor valid (nothing is written then); IoError.
Result<void> replay(const SuperBlock& sb, uint8_t* scratch);

}  // namespace exofs::journal
