// exolab: lab 5
// tools/fs-host/testing.h: the small test vocabulary of the host tests.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

#include "check.h"
#include "lib/fs/fd.h"
#include "lib/fs/fs.h"

extern int failures;

// Counts a failure (and says where) unless cond holds.
#define CHECK(cond)                                                                      \
    do {                                                                                 \
        if (!(cond)) {                                                                   \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);      \
            failures++;                                                                  \
        }                                                                                \
    } while (0)

// The value of a Result that must succeed; stops the tests if it did not.
#define OK(expr)                                                                         \
    ({                                                                                   \
        auto ok_result_ = (expr);                                                        \
        if (!ok_result_.ok()) {                                                          \
            fprintf(stderr, "%s:%d: %s failed: %s\n", __FILE__, __LINE__, #expr,          \
                    error_name(ok_result_.error()));                                     \
            exit(1);                                                                     \
        }                                                                                \
        ok_result_.value();                                                              \
    })

// Checks that expr fails with error `want`.
#define FAILS(expr, want)                                                                \
    do {                                                                                 \
        auto fails_result_ = (expr);                                                     \
        if (fails_result_.ok() || fails_result_.error() != (want)) {                     \
            fprintf(stderr, "%s:%d: %s: expected %s, got %s\n", __FILE__, __LINE__, #expr, \
                    error_name(want), fails_result_.ok() ? "success" : error_name(fails_result_.error())); \
            failures++;                                                                  \
        }                                                                                \
    } while (0)

// A fresh disk image of `blocks` blocks at path, formatted and mounted.
void fresh_volume(const std::string& path, uint32_t blocks, uint32_t inodes, uint32_t log_blocks);

// Drops everything in memory (a crash), remounts (replaying the journal)
// and checks the image.
void crash_and_remount();

// Checks the image (after committing) and counts its problems as failures.
CheckReport checked(const char* when);

// The whole of file path, read through a fresh fd.
std::string slurp(const char* path);

// Writes data to path (created or truncated).
void spit(const char* path, const std::string& data);

// The test groups.
void test_volume();
void test_files();
void test_big_file();
void test_directories();
void test_rename();
void test_descriptors();
void test_domains();
void test_durability();
void test_no_space();
void test_processes();
void test_dead_holder();
void test_corruption();
void crash_sweep(const std::string& dir);
