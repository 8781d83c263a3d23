// exolab: lab 5
// user/lib/unitcheck.h: the small harness of the unit programs (argstack,
// fdunit, pipeunit): each check is a function that returns whether it
// passed and names its first problem with fail().
//
//   bool check_limits() {
//       if (...) return fail("65 arguments were accepted");
//       return true;
//   }
//   UnitChecks checks("argstack");
//   checks.run("limits", check_limits);   // "argstack: limits: ok"
//
// One line per check, which the grader matches: "<program>: <name>: ok"
// or "<program>: <name>: <the first problem>".
#pragma once

// Records `what` as the running check's problem unless it has one
// already, and returns false (the check's result).
bool fail(const char* what);

class UnitChecks {
public:
    explicit UnitChecks(const char* program) : program_(program) {}

    // Runs `check` with no problem recorded and prints its line.
    void run(const char* name, bool (*check)());

private:
    const char* program_;
};
