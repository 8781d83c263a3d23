// exolab: lab 4
// user/bin/hostilecontext.cc: domain_set_context refuses hostile contexts
// (DESIGN §3.2).
//
// A child made by domain_create (never run) is the target.  Each line
// prints what one call returned; the documented error is:
//   self (0), own id       AccessDenied: a domain cannot reset its own registers
//   no such domain         NoSuchDomain
//   kernel, non-canonical,
//   USER_TOP, null rip     InvalidArgument: rip outside [USER_BASE, USER_TOP)
//   kernel, non-canonical
//   rsp                    InvalidArgument: rsp above USER_TOP
//   ctx in the kernel,
//   ctx unmapped           BadAddress
//   a good context         ok (so the refusals above are for their reason)
// The kernel must not panic on any of them.
#include "abi/domain.h"
#include "lib/libos.h"

namespace {

constexpr uint64_t kKernelText = KERNEL_BASE + 0x100000;
constexpr uint64_t kNonCanonical = 0x0000800000000000;
constexpr uint64_t kUnmapped = 0x30000000;

// Prints the result of setting domain `dom`'s context to `c` (read from `at`
// when given).
void attempt(const char* what, uint64_t dom, UserContext c, const UserContext* at = nullptr) {
    int64_t r = sys_domain_set_context(dom, at != nullptr ? at : &c);
    printf("hostilecontext: %s: %s\n", what, result_name(r));
}

}  // namespace

int main() {
    int64_t child = sys_domain_create();
    if (child == 0) panic("the child never runs");
    if (child < 0) panic("domain_create: %s", result_name(child));
    uint64_t dom = static_cast<uint64_t>(child);
    UserContext good = {};
    good.rip = reinterpret_cast<uint64_t>(&main);
    good.rsp = USTACK_TOP - 64;

    attempt("self (0)", 0, good);
    attempt("own id", static_cast<uint64_t>(sys_self()), good);
    attempt("no such domain", MAX_DOMAINS - 1, good);
    UserContext c = good;
    c.rip = kKernelText;
    attempt("kernel rip", dom, c);
    c.rip = kNonCanonical;
    attempt("non-canonical rip", dom, c);
    c.rip = USER_TOP;
    attempt("rip at USER_TOP", dom, c);
    c.rip = 0;
    attempt("null rip", dom, c);
    c = good;
    c.rsp = PHYSMAP_BASE;
    attempt("kernel rsp", dom, c);
    c.rsp = kNonCanonical;
    attempt("non-canonical rsp", dom, c);
    attempt("ctx in the kernel", dom, good, reinterpret_cast<const UserContext*>(kKernelText));
    attempt("ctx unmapped", dom, good, reinterpret_cast<const UserContext*>(kUnmapped));
    attempt("a good context", dom, good);
    return 0;
}
