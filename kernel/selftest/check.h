// exolab: lab 2
// kernel/selftest/check.h: assertions for kernel self-checks.
//
// A check is a function returning Result<void>.  CHECK(cond, fmt, ...)
// prints where and why it failed and returns an error; EXPECT_OK(expr)
// yields the value of a Result or fails with its error's name;
// EXPECT_ERROR(expr, Error::X) insists on one particular error.
#pragma once

#include "lib/kprintf.h"
#include "lib/result.h"

#define CHECK(cond, ...)                                                   \
    do {                                                                   \
        if (!(cond)) {                                                     \
            kprintf("  check failed at %s:%d: ", __FILE__, __LINE__);      \
            kprintf(__VA_ARGS__);                                          \
            kprintf("\n");                                                 \
            return Error::InvalidArgument;                                 \
        }                                                                  \
    } while (0)

#define EXPECT_OK(expr)                                                                 \
    ({                                                                                  \
        auto expect_result_ = (expr);                                                   \
        CHECK(expect_result_.ok(), "%s failed with %s", #expr,                          \
              expect_result_.ok() ? "" : error_name(expect_result_.error()));           \
        expect_result_.value();                                                         \
    })

#define EXPECT_ERROR(expr, expected)                                                    \
    do {                                                                                \
        auto expect_result_ = (expr);                                                   \
        CHECK(!expect_result_.ok() && expect_result_.error() == (expected),             \
              "%s should fail with %s, got %s", #expr, error_name(expected),            \
              expect_result_.ok() ? "success" : error_name(expect_result_.error()));    \
    } while (0)

namespace selftest {

// Runs one check and prints "check <name>: ok" or "check <name>: FAILED".
// Returns whether it passed.
bool run_check(const char* name, Result<void> (*check)());

}  // namespace selftest
