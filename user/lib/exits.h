// exolab: lab 5
// user/lib/exits.h: exit statuses, kept in the file system's region where
// a parent reads them after its child is gone (DESIGN §3.5).
//
// The kernel keeps no status: a destroyed domain's slot is free at once,
// and its id soon another domain's.  As ExOS kept its process table in
// memory its processes shared, the libOS keeps a record per child in the
// region (Shared::exits):
//
//   creator  expect(child)     before the child can run:
//                              {parent: creator, child, status: none}
//   child    record(code)      in exit(): status = code & 255
//   parent   collect(child)    once the child is dead: its status, and the
//                              record is free again
//   parent   forget_all()      gives up its children's statuses
//   anyone   (in expect)       a record whose parent is dead is free again
//
// Records name domains by region_self() values (id and generation), so a
// parent is never handed a stranger's status for an id the kernel reused.
// But the kernel gives a dead child's id to the next domain made, so one
// parent may hold several records of one id: collect takes the oldest, the
// order in which a parent that waits for every child (a pipeline, say)
// made them.  A parent that leaves a child running and never waits for it
// must give its record up, or the next child given that id is mistaken
// for it.
#pragma once

#include <cstdint>

#include "lib/result.h"

namespace exits {

// What collect returns for a child that ended without calling exit (it
// was destroyed, or faulted with no handler): no exit code can be 256.
inline constexpr int64_t kKilled = 256;

// Records, before child `dom` can run, that it is this domain's child with
// no status yet.  Nothing without the region.  Errors: NoMemory (every
// record belongs to a live parent).
Result<void> expect(uint64_t dom);

// Undoes expect for a child that will never run.
void forget(uint64_t dom);

// This domain's exit status, code & 255, for its parent: exit() calls it.
// Nothing without the region or a record (a domain no libOS creator made).
void record(int code);

// Gives up the records of all this domain's children, ended or not:
// nobody collects their statuses.  (The shell, after starting a pipeline
// in the background: it waited for all the others.)
void forget_all();

// Child dom's status once it has ended, giving the CPU away until then:
// 0-255 as it gave exit, or kKilled.  The record is free afterwards.  A
// parent that was given id dom twice gets the older child's status first.
// Returns -NoSuchDomain if no record names dom as this domain's child (not
// its child, already collected, or made without the region).
int64_t collect(uint64_t dom);

}  // namespace exits
