// kernel/lib/format.cc: printf-style formatting (see format.h).
#include "lib/format.h"

namespace {

// Counts the characters it forwards so vformat can return the total.
struct CountingSink {
    Sink out;
    int count = 0;

    void put(char c) {
        out.put(out.context, c);
        count++;
    }
};

// Writes `c` to `out` `n` times (nothing when n <= 0).
void put_repeated(CountingSink& out, char c, int n) {
    for (int i = 0; i < n; i++) out.put(c);
}

// Writes one field: `sign` (0 for none), then the `len` characters of
// `body`, padded to spec.width as printf does it:
//
//   width 6, right-justified (default):   "   -42"
//   width 6, zero_pad:                    "-00042"   (zeros go after the sign)
//   width 6, left_justify:                "-42   "   ('-' wins over '0')
//   width 2 or 0, any flags:              "-42"      (never truncated)
//
// Every conversion ends here (numbers, strings, characters, pointers), so a
// field's layout is decided in one place.  The threat is arithmetic: the
// width is unsigned and may be smaller than the text, or 0.
void put_field(CountingSink& out, char sign, const char* body, int len, const FormatSpec& spec) {
#if SOL >= 1
    int text = len + (sign != 0 ? 1 : 0);
    int fill = spec.width > static_cast<unsigned>(text) ? static_cast<int>(spec.width) - text : 0;
    char pad = spec.zero_pad && !spec.left_justify ? '0' : ' ';
    if (pad == ' ' && !spec.left_justify) put_repeated(out, ' ', fill);
    if (sign != 0) out.put(sign);
    if (pad == '0') put_repeated(out, '0', fill);
    for (int i = 0; i < len; i++) out.put(body[i]);
    if (spec.left_justify) put_repeated(out, ' ', fill);
#else
    // LAB 1: Exercise 1. Lay the field out as drawn above, for any width
    // and flags.  This version ignores `spec` and writes the bare text, so
    // every column of kerninfo and the backtrace is ragged.
    (void)spec, (void)put_repeated;
    if (sign) out.put(sign);
    for (const char* c = body; c < body + len; ++c) out.put(*c);
#endif
}

// Writes the string s (at most max_len characters) as a field.  The '0'
// flag pads numbers only.
void format_string(CountingSink& out, const char* s, size_t max_len, const FormatSpec& spec) {
    if (s == nullptr) s = "(null)";
    int len = 0;
    while (static_cast<size_t>(len) < max_len && s[len] != '\0') len++;
    FormatSpec text_spec = spec;
    text_spec.zero_pad = false;
    put_field(out, 0, s, len, text_spec);
}

// Writes a number: an optional '-' and the digits of `magnitude` in `base`
// (8, 10 or 16; `upper` selects A-F), laid out as a field.
void format_number(CountingSink& out, uint64_t magnitude, bool negative, unsigned base, bool upper,
                   const FormatSpec& spec) {
    const char* digit_chars = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char digits[24];  // 2^64 has 22 octal digits
    int first = sizeof(digits);
    do {
        digits[--first] = digit_chars[magnitude % base];
        magnitude /= base;
    } while (magnitude != 0);
    put_field(out, negative ? '-' : 0, digits + first, static_cast<int>(sizeof(digits)) - first, spec);
}

// The C type an integer argument was passed as, named by its length
// modifier: hh, h, none, l, ll, z.
enum class Length { Char, Short, Int, Long, LongLong, Size };

// Fetches the next integer argument, which the caller passed as the C type
// that `length` names (signed or unsigned as `is_signed` says), and returns
// its value in 64 bits: sign-extended when signed, zero-extended when not.
// So %hhd of 200 is -56, %hu of 70000 is 4464, %d of -1 is -1 and %u of -1
// is 4294967295.
//
// The threat: va_arg must name the type the caller really passed, after
// C's default promotions (a char or short travels as an int).  Read wider
// than that and the high bits are whatever the register or stack slot held;
// read narrower and the value is cut.  No diagnostic warns: it is the
// format string that says the type.
uint64_t next_integer(va_list& args, Length length, bool is_signed) {
#if SOL >= 1
    if (length == Length::Long || length == Length::LongLong || length == Length::Size) {
        return va_arg(args, unsigned long);  // all three are 64 bits in this ABI
    }
    unsigned bits = length == Length::Char ? 8 : length == Length::Short ? 16 : 32;
    uint64_t mask = (uint64_t{1} << bits) - 1;
    uint64_t value = va_arg(args, unsigned int) & mask;
    if (is_signed && (value >> (bits - 1)) != 0) value |= ~mask;
    return value;
#else
    // LAB 1: Exercise 2. Honour `length` and `is_signed` as stated above.
    // This version reads every argument as 64 bits, whatever its type.
    (void)length, (void)is_signed;
    return va_arg(args, uint64_t);
#endif
}

// Parses a width or precision: digits, or '*' taken from the arguments.
unsigned parse_count(const char*& p, va_list& args) {
    if (*p == '*') {
        p++;
        int n = va_arg(args, int);
        return n < 0 ? 0 : static_cast<unsigned>(n);
    }
    unsigned n = 0;
    while (*p >= '0' && *p <= '9') n = n * 10 + static_cast<unsigned>(*p++ - '0');
    return n;
}

// Context of snformat's sink: a bounded buffer.
struct BufferSink {
    char* buf;
    size_t size;
    size_t used;
};

void put_into_buffer(void* context, char c) {
    auto* b = static_cast<BufferSink*>(context);
    if (b->used + 1 < b->size) b->buf[b->used] = c;
    b->used++;
}

}  // namespace

int vformat(Sink sink, const char* fmt, va_list args_in) {
    CountingSink out{sink};
    va_list args;
    va_copy(args, args_in);
    for (const char* p = fmt; *p != '\0'; p++) {
        if (*p != '%') {
            out.put(*p);
            continue;
        }
        const char* conversion_start = p++;
        FormatSpec spec;
        for (;; p++) {
            if (*p == '-') spec.left_justify = true;
            else if (*p == '0') spec.zero_pad = true;
            else break;
        }
        spec.width = parse_count(p, args);
        size_t precision = SIZE_MAX;
        if (*p == '.') {
            p++;
            precision = parse_count(p, args);
        }
        Length length = Length::Int;
        if (*p == 'h') {
            p++;
            length = Length::Short;
            if (*p == 'h') {
                p++;
                length = Length::Char;
            }
        } else if (*p == 'l') {
            p++;
            length = Length::Long;
            if (*p == 'l') {
                p++;
                length = Length::LongLong;
            }
        } else if (*p == 'z') {
            p++;
            length = Length::Size;
        }

        switch (*p) {
            case 'd':
            case 'i': {
                auto v = static_cast<int64_t>(next_integer(args, length, true));
                // Negate in unsigned arithmetic: -INT64_MIN overflows int64_t.
                uint64_t magnitude = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
                format_number(out, magnitude, v < 0, 10, false, spec);
                break;
            }
            case 'u': format_number(out, next_integer(args, length, false), false, 10, false, spec); break;
            case 'x': format_number(out, next_integer(args, length, false), false, 16, false, spec); break;
            case 'X': format_number(out, next_integer(args, length, false), false, 16, true, spec); break;
            case 'o': format_number(out, next_integer(args, length, false), false, 8, false, spec); break;
            case 'p': {
                out.put('0');
                out.put('x');
                FormatSpec pointer_spec{16, false, true};
                format_number(out, reinterpret_cast<uint64_t>(va_arg(args, void*)), false, 16, false,
                              pointer_spec);
                break;
            }
            case 's': format_string(out, va_arg(args, const char*), precision, spec); break;
            case 'c': {
                char c = static_cast<char>(va_arg(args, int));
                format_string(out, &c, 1, spec);
                break;
            }
            case '%': out.put('%'); break;
            default:  // unknown or truncated: show it literally
                for (const char* q = conversion_start; q <= p && *q != '\0'; q++) out.put(*q);
                if (*p == '\0') p--;
                break;
        }
    }
    va_end(args);
    return out.count;
}

int snformat(char* buf, size_t size, const char* fmt, ...) {
    BufferSink b{buf, size, 0};
    va_list args;
    va_start(args, fmt);
    vformat(Sink{put_into_buffer, &b}, fmt, args);
    va_end(args);
    if (size > 0) buf[b.used < size ? b.used : size - 1] = '\0';
    return static_cast<int>(b.used);
}
