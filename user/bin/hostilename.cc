// exolab: lab 4
// user/bin/hostilename.cc: domain_name refuses names that could forge or
// break the kernel's lines, and pointers and domains it must not touch
// (syscalls.def), and changes nothing when it refuses.
//
// Each line prints what one call returned.  Then init names itself and a
// child it made and destroys the child: the kernel's lines about both
// must carry the new names, never a refused one.
#include "abi/domain.h"
#include "lib/libos.h"

namespace {

// Prints the result of domain_name(dom, name, len).
void attempt(const char* what, uint64_t dom, const char* name, uint64_t len) {
    printf("hostilename: %s: %s\n", what, result_name(sys_domain_name(dom, name, len)));
}

}  // namespace

int main() {
    const char forged[] = "x) exited\ndomain 1 (init";
    attempt("a newline", 0, "two\nlines", 9);
    attempt("a parenthesis", 0, forged, sizeof forged - 1);
    attempt("a control byte", 0, "bell\a", 5);
    attempt("a byte above 0x7e", 0, "caf\xc3\xa9", 5);
    attempt("length 0", 0, "empty", 0);
    attempt("length 32", 0, "abcdefghijklmnopqrstuvwxyz012345", 32);
    attempt("a kernel pointer", 0, reinterpret_cast<const char*>(KERNEL_BASE), 4);
    attempt("an unmapped pointer", 0, reinterpret_cast<const char*>(0x30000000), 4);
    attempt("no such domain", MAX_DOMAINS - 1, "ghost", 5);
    attempt("length 31", 0, "abcdefghijklmnopqrstuvwxyz01234", 31);
    int64_t child = sys_domain_create();
    if (child == 0) exit();  // never made runnable
    if (child < 0) {
        printf("hostilename: domain_create: %s\n", result_name(child));
        return 1;
    }
    attempt("the child", static_cast<uint64_t>(child), "kid", 3);
    attempt("self", 0, "renamed", 7);
    printf("hostilename: destroying the child: %s\n", result_name(sys_domain_destroy(static_cast<uint64_t>(child))));
    return 0;
}
