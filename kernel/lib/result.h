// exolab: lab 2
// kernel/lib/result.h: Result<T>, a value or an Error, and TRY.
//
//   Result<Pfn> r = frames::alloc(...);
//   if (!r) return r.error();
//   Pfn pfn = TRY(frames::alloc(...));     // the same, in one line
//
// A function that can fail returns Result; [[nodiscard]] makes ignoring one
// a compile error (-Werror), so no error is dropped silently.
#pragma once

#include <type_traits>

#include "abi/error.h"
#include "lib/panic.h"

template <typename T>
class [[nodiscard]] Result {
    static_assert(std::is_trivially_copyable_v<T>, "Result holds plain values");

public:
    constexpr Result(T value) : value_(value), ok_(true) {}
    constexpr Result(Error error) : error_(error), ok_(false) {}

    constexpr bool ok() const { return ok_; }
    constexpr explicit operator bool() const { return ok_; }
    // The error of a failed Result; asking a success for one is a bug.
    constexpr Error error() const {
        kassert(!ok_);
        return error_;
    }
    // The value of a success; asking a failure for one is a bug.
    constexpr T value() const {
        kassert(ok_);
        return value_;
    }

private:
    union {
        T value_;
        Error error_;
    };
    bool ok_;
};

template <>
class [[nodiscard]] Result<void> {
public:
    constexpr Result() : error_(Error::InvalidArgument), ok_(true) {}
    constexpr Result(Error error) : error_(error), ok_(false) {}

    constexpr bool ok() const { return ok_; }
    constexpr explicit operator bool() const { return ok_; }
    constexpr Error error() const {
        kassert(!ok_);
        return error_;
    }
    constexpr void value() const { kassert(ok_); }

private:
    Error error_;
    bool ok_;
};

// Evaluates `expr` (a Result); on error returns that error from the
// enclosing function, otherwise yields the value (a GNU statement expression).
#define TRY(expr)                                   \
    ({                                              \
        auto try_result_ = (expr);                  \
        if (!try_result_.ok()) return try_result_.error(); \
        try_result_.value();                        \
    })

// Evaluates `expr`, a Result that fails only if the kernel has a bug (say,
// releasing a frame the caller just allocated), and panics naming the
// expression and the error if it did; otherwise yields the value.
#define MUST(expr)                                                                        \
    ({                                                                                    \
        auto must_result_ = (expr);                                                       \
        if (!must_result_.ok()) {                                                         \
            panic_at(__FILE__, __LINE__, "%s failed: %s", #expr, error_name(must_result_.error())); \
        }                                                                                 \
        must_result_.value();                                                             \
    })
