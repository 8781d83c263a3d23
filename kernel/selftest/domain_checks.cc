// exolab: lab 3
// kernel/selftest/domain_checks.cc: the domain table (see domain_checks.h).
// domaintable fills the table with a chain of domains (each the child of
// the one before), checks ids, entries and the tree, destroys part of it,
// checks that what is gone cannot be named any more and that its slot
// comes back fresh, and that no frame was lost; on the way, which of its
// domains a system call made by one of them may name (target_domain).  usermem gives a domain
// four pages (two writable whose frames are not neighbours, one
// read-only, one unmapped) and copies across their edges.  destroy ends
// a domain whose tables are in CR3 and that owns frames mapped, shared
// with another domain, and never mapped.  Both take their frames as a
// domain does, through the frame_alloc system call.
#include "selftest/domain_checks.h"

#include "abi/layout.h"
#include "domain/domain.h"
#include "lib/string.h"
#include "mm/frames.h"
#include "mm/kspace.h"
#include "mm/paging.h"
#include "selftest/check.h"
#include "sys/syscall.h"
#include "sys/usermem.h"

namespace selftest {
namespace {

constexpr const char* kLongName = "a name longer than the thirty-one bytes a domain keeps";
constexpr uint64_t kTwoTo32 = 1ull << 32;
constexpr int kCut = 10;  // the chain is destroyed from made[kCut] down

// The exported entry of `d` describes a fresh domain with parent `parent`.
Result<void> check_fresh_entry(const domain::Domain& d, uint16_t parent) {
    const DomainInfo& e = domain::info(d);
    CHECK(e.id == d.id && e.parent == parent, "domain %u: exported id %u, parent %u (expected %u)", d.id, e.id,
          e.parent, parent);
    CHECK(e.state == DomainState::Stopped, "domain %u: a new domain is Stopped, not state %u", d.id,
          static_cast<unsigned>(e.state));
    CHECK(e.root_pfn == d.root.pfn(), "domain %u: exported root_pfn %lx, its PML4 is frame %lx", d.id, e.root_pfn,
          d.root.pfn());
    CHECK(e.frames == 0 && e.runs == 0, "domain %u: a new domain owns no frame and never ran", d.id);
    return {};
}

Result<void> check_domain_table() {
    size_t free_before = frames::free_count();
    domain::Domain* made[MAX_DOMAINS] = {};
    int count = 0;
    for (uint16_t parent = 0;; parent = made[count - 1]->id) {
        Result<domain::Domain*> d = domain::create(parent, kLongName);
        if (!d.ok()) {
            CHECK(d.error() == Error::NoMemory, "a full table is NoMemory, not %s", error_name(d.error()));
            break;
        }
        CHECK(count < MAX_DOMAINS - 1, "more than %d domains in a table of %d slots", count, MAX_DOMAINS);
        made[count++] = d.value();
    }
    CHECK(count == MAX_DOMAINS - 1, "only %d domains fit; ids 1..%d are usable", count, MAX_DOMAINS - 1);
    for (int i = 0; i < count; i++) {
        CHECK(made[i]->id == i + 1, "domain %d of the chain has id %u: the smallest free id first", i, made[i]->id);
        CHECK(domain::find(made[i]->id) == made[i], "find(%u) is not that domain", made[i]->id);
        TRY(check_fresh_entry(*made[i], i == 0 ? 0 : made[i - 1]->id));
    }
    CHECK(strlen(made[0]->name) == sizeof(made[0]->name) - 1 && memcmp(made[0]->name, kLongName, 31) == 0,
          "a long name is kept cut to its first 31 bytes, got \"%s\"", made[0]->name);
    CHECK(domain::find(0) == nullptr, "find(0): 0 names no domain");
    CHECK(domain::find(MAX_DOMAINS) == nullptr, "find(MAX_DOMAINS) is past the table");
    CHECK(domain::find(~0ull) == nullptr, "find(2^64 - 1) is past the table");
    CHECK(domain::find(made[0]->id + kTwoTo32) == nullptr, "find(id + 2^32) names no domain");
    CHECK(domain::is_self_or_descendant(*made[5], *made[5]), "a domain is itself");
    CHECK(domain::is_self_or_descendant(*made[40], *made[2]), "domain %u is below domain %u", made[40]->id,
          made[2]->id);
    CHECK(!domain::is_self_or_descendant(*made[2], *made[40]), "domain %u is not below its descendant %u",
          made[2]->id, made[40]->id);
    // The domain a system call's argument names (syscall::target_domain, Exercise 7).
    CHECK(EXPECT_OK(syscall::target_domain(*made[40], 0)) == made[40], "id 0 names the caller itself");
    CHECK(EXPECT_OK(syscall::target_domain(*made[2], made[40]->id)) == made[40], "a descendant may be named");
    EXPECT_ERROR(syscall::target_domain(*made[40], made[2]->id), Error::AccessDenied);  // an ancestor
    EXPECT_ERROR(syscall::target_domain(*made[2], made[40]->id + kTwoTo32), Error::NoSuchDomain);

    uint16_t cut_id = made[kCut]->id;
    uint16_t cut_generation = domain::info(*made[kCut]).generation;
    CHECK(cut_generation != 0, "domain %u has generation 0: a slot's first domain is generation 1", cut_id);
    domain::destroy(*made[kCut]);  // and every domain below it
    for (int i = kCut; i < count; i++) {
        CHECK(domain::find(i + 1) == nullptr, "find(%d) after its domain was destroyed", i + 1);
    }
    CHECK(domain::find(kCut) == made[kCut - 1], "destroying a child left its parent %d alive", kCut);
    domain::Domain* again = EXPECT_OK(domain::create(0, "again"));
    CHECK(again->id == cut_id, "the new domain should take the smallest free id %u, got %u", cut_id, again->id);
    TRY(check_fresh_entry(*again, 0));
    CHECK(domain::info(*again).generation == static_cast<uint16_t>(cut_generation + 1),
          "slot %u's next domain has generation %u, its previous one had %u", cut_id,
          domain::info(*again).generation, cut_generation);
    CHECK(strcmp(again->name, "again") == 0, "the name is \"%s\", not \"again\"", again->name);
    CHECK(!domain::is_self_or_descendant(*again, *made[0]),
          "domain %u reuses a slot of domain %u's subtree, but is not in it", again->id, made[0]->id);
    EXPECT_ERROR(syscall::target_domain(*again, made[0]->id), Error::AccessDenied);  // a sibling
    EXPECT_ERROR(syscall::target_domain(*made[0], again->id), Error::AccessDenied);  // a sibling's subtree
    domain::destroy(*again);
    domain::destroy(*made[0]);
    for (int id = 0; id < MAX_DOMAINS; id++) CHECK(domain::find(id) == nullptr, "domain %d outlived the test", id);
    CHECK(frames::free_count() == free_before, "%lu frames free before, %lu after", free_before,
          frames::free_count());
    return {};
}

constexpr uint64_t kBase = 0x10000000;  // W (frame hi), W (frame lo), R, unmapped

// A fresh frame `d` owns, as the frame_alloc system call gives it.
Result<Pfn> owned_frame(domain::Domain& d) { return static_cast<Pfn>(TRY(syscall::sys_frame_alloc(d, 0))); }

// A user-writable (or read-only) mapping of a fresh frame at `va` in `d`.
Result<Pfn> give_page(domain::Domain& d, uint64_t va, bool writable) {
    Pfn pfn = TRY(owned_frame(d));
    PageFlags rights = PageFlags::User | PageFlags::NoExecute | (writable ? PageFlags::Writable : PageFlags::None);
    TRY(paging::map(d.root, VirtAddr(va), PhysAddr::from_pfn(pfn), rights, d.id));
    return pfn;
}

uint8_t* bytes_of(Pfn pfn) { return PhysAddr::from_pfn(pfn).to_virt<uint8_t>(); }

template <typename T>
UserPtr<T> at(uint64_t va) {
    return UserPtr<T>(va);
}

Result<void> check_user_copies(domain::Domain& d) {
    Pfn first = TRY(give_page(d, kBase, true));
    Pfn second = TRY(give_page(d, kBase + kPageSize, true));
    Pfn third = TRY(give_page(d, kBase + 2 * kPageSize, false));
    CHECK(second != first + 1 || third != second + 1, "three consecutive frames");
    // The first page's frame must not be followed in memory by the second's.
    if (second == first + 1) {
        TRY(paging::map(d.root, VirtAddr(kBase + kPageSize), PhysAddr::from_pfn(third), PageFlags::User |
                        PageFlags::Writable | PageFlags::NoExecute, d.id));
        TRY(paging::map(d.root, VirtAddr(kBase + 2 * kPageSize), PhysAddr::from_pfn(second), PageFlags::User |
                        PageFlags::NoExecute, d.id));
        Pfn swap = second;
        second = third;
        third = swap;
    }
    for (size_t i = 0; i < kPageSize; i++) {
        bytes_of(first)[i] = static_cast<uint8_t>('a' + i % 26);
        bytes_of(second)[i] = static_cast<uint8_t>('A' + i % 26);
    }
    uint8_t got[16];
    EXPECT_OK(usermem::copy_in(d, got, at<const uint8_t>(kBase + kPageSize - 8), sizeof(got)));
    CHECK(memcmp(got, bytes_of(first) + kPageSize - 8, 8) == 0 && memcmp(got + 8, bytes_of(second), 8) == 0,
          "copy_in across the edge of two pages read \"%.16s\": each page has its own frame", got);
    const uint8_t put[16] = {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'x', 'y', 'z', '!', '?', '.'};
    EXPECT_OK(usermem::copy_out(d, at<uint8_t>(kBase + kPageSize - 8), put, sizeof(put)));
    CHECK(memcmp(bytes_of(first) + kPageSize - 8, put, 8) == 0 && memcmp(bytes_of(second), put + 8, 8) == 0,
          "copy_out across the edge of two pages wrote elsewhere");

    uint8_t before[8];
    memcpy(before, bytes_of(second) + kPageSize - 8, sizeof(before));
    EXPECT_ERROR(usermem::copy_out(d, at<uint8_t>(kBase + 2 * kPageSize - 8), put, sizeof(put)), Error::BadAddress);
    CHECK(memcmp(bytes_of(second) + kPageSize - 8, before, 8) == 0 && bytes_of(third)[0] == 0,
          "a copy_out refused for its read-only end wrote its first half");
    memset(got, '#', sizeof(got));
    EXPECT_ERROR(usermem::copy_in(d, got, at<const uint8_t>(kBase + 3 * kPageSize - 8), sizeof(got)),
                 Error::BadAddress);
    CHECK(got[0] == '#', "a copy_in refused for its unmapped end copied its first half");
    EXPECT_OK(usermem::copy_in(d, got, at<const uint8_t>(kBase + 3 * kPageSize - 8), 8));

    EXPECT_OK(usermem::check(d, at<const uint8_t>(kBase), 0));
    EXPECT_OK(usermem::check(d, at<const uint8_t>(kKernelBase), 0));  // empty: valid wherever it starts
    EXPECT_OK(usermem::check(d, at<const uint8_t>(kBase), 3 * kPageSize));
    EXPECT_ERROR(usermem::check(d, at<const uint8_t>(kBase), 3 * kPageSize + 1), Error::BadAddress);
    EXPECT_ERROR(usermem::check(d, at<const uint8_t>(kKernelBase), 1), Error::BadAddress);
    EXPECT_ERROR(usermem::check(d, at<const uint8_t>(kBase), 0 - kBase + 0x1000), Error::BadAddress);  // wraps
    EXPECT_ERROR(usermem::check(d, at<const uint8_t>(~0ull - 7), 16), Error::BadAddress);               // wraps
    uint64_t wrapped = 0;
    EXPECT_ERROR(usermem::copy_in(d, &wrapped, at<const uint64_t>(~0ull - 3)), Error::BadAddress);
    return {};
}

// Exercise 17: what a destroyed domain held comes back, and only that.
// The domain's own tables are in CR3, as when it exits; it owns a frame it
// never mapped, and one that another domain maps too.
Result<void> check_destroy_returns_everything() {
    size_t free_before = frames::free_count();
    domain::Domain* d = EXPECT_OK(domain::create(0, "doomed"));
    domain::Domain* other = EXPECT_OK(domain::create(0, "other"));
    Pfn others = TRY(owned_frame(*other));  // never mapped either
    Pfn mapped = TRY(give_page(*d, kBase, true));
    Pfn shared = TRY(give_page(*d, kBase + kPageSize, false));
    Pfn unmapped = TRY(owned_frame(*d));
    TRY(paging::map(other->root, VirtAddr(kBase), PhysAddr::from_pfn(shared), PageFlags::User | PageFlags::NoExecute,
                    other->id));
    PhysAddr root = d->root;
    mmu::activate(root.value);
    domain::destroy(*d);
    CHECK(!mmu::is_active(root.value), "the destroyed domain's PML4 is still in CR3");
    CHECK(frames::info(root.pfn()).kind == FrameKind::Free, "its PML4 (frame %lx) is not free", root.pfn());
    CHECK(frames::info(mapped).kind == FrameKind::Free, "a frame it owned and mapped (%lx) is not free", mapped);
    CHECK(frames::info(unmapped).kind == FrameKind::Free, "a frame it owned but never mapped (%lx) leaked",
          unmapped);
    CHECK(frames::info(shared).kind == FrameKind::User, "a frame it owned that another domain still maps (%lx) was "
          "freed under that mapping", shared);
    CHECK(frames::info(others).kind == FrameKind::User && frames::info(others).owner == other->id,
          "a frame another domain owns (%lx) was released with the destroyed domain's", others);
    domain::destroy(*other);
    CHECK(frames::info(shared).kind == FrameKind::Free, "the shared frame (%lx) is not free once nothing maps it",
          shared);
    CHECK(frames::free_count() == free_before, "%lu frames free before, %lu after", free_before,
          frames::free_count());
    return {};
}

}  // namespace

Result<void> on_fresh_domain(const char* name, Result<void> (*check)(domain::Domain&)) {
    size_t free_before = frames::free_count();
    domain::Domain* d = EXPECT_OK(domain::create(0, name));
    Result<void> r = check(*d);
    domain::destroy(*d);
    TRY(r);
    CHECK(frames::free_count() == free_before, "%lu frames free before, %lu after", free_before,
          frames::free_count());
    return {};
}

void usermem_check() {
    Result<void> r = on_fresh_domain("usermem", check_user_copies);
    kprintf("check usermem: %s\n", r.ok() ? "ok" : "FAILED");
}

void destroy_check() {
    Result<void> r = check_destroy_returns_everything();
    mmu::activate(kspace::root().value);
    kprintf("check destroy: %s\n", r.ok() ? "ok" : "FAILED");
}

void domain_table_check() {
    Result<void> r = check_domain_table();
    kprintf("check domaintable: %s\n", r.ok() ? "ok" : "FAILED");
}

}  // namespace selftest
