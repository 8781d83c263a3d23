// exolab: lab 5
// user/lib/inherit.cc: a spawned child's start (spawn_inherit, spawn.h).
// Apart from spawn.cc so that a program that never spawns does not link
// spawn's buffers: libos_main calls this in every program.
#include "abi/uarea.h"
#include "lib/fs/fs.h"
#include "lib/fs/ops.h"
#include "lib/io.h"
#include "lib/libos.h"
#include "lib/spawn.h"
#include "lib/upcall.h"
#include "lib/windows.h"

void spawn_inherit() {
    if (!(lookup_pte(kInheritPage) & kPtePresent)) return;
    const auto* inherited = reinterpret_cast<const Inherited*>(kInheritPage);
    if (inherited->magic != kInheritMagic) return;
    uarea()->fault_vectors = 0;  // the creator's routing: this program sets its own handlers
    // Its fd table is in the region already (spawn gave it: lib/fdtable.h).
    if ((lookup_pte(exofs::kFsRegion) & kPtePresent) && exofs::mount()) io::use_standard_fds();
    (void)sys_unmap(0, kInheritPage);
}
