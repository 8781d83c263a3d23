// exolab: lab 5
// user/lib/unitcheck.cc: the unit programs' harness (see unitcheck.h).
#include "lib/unitcheck.h"

#include "lib/stdio.h"

namespace {

char problem[160];  // the running check's first problem; "" if none yet

}  // namespace

bool fail(const char* what) {
    if (problem[0] == '\0') snprintf(problem, sizeof problem, "%s", what);
    return false;
}

void UnitChecks::run(const char* name, bool (*check)()) {
    problem[0] = '\0';
    bool ok = check();
    printf("%s: %s: %s\n", program_, name, ok ? "ok" : problem);
}
