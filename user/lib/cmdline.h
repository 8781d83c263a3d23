// exolab: lab 5
// user/lib/cmdline.h: the shell's command language, parsed.
//
//   line      := list
//   list      := pipeline { (";" | "&") pipeline } [";" | "&"]
//   pipeline  := command { "|" command }
//   command   := { word | redirect }+
//   redirect  := "<" word | ">" word | ">>" word
//   word      := { plain | 'single quoted' | "double quoted" | \c }+
//
// Inside '...' every byte is itself; inside "..." a backslash quotes the
// next byte; outside quotes a backslash quotes the next byte and blanks
// (space, tab) separate words.  A pipeline ended by "&" runs in the
// background.  "#" at the start of a word starts a comment to the end of
// the line.  "$?" outside '...' (and not after a backslash) becomes the
// byte kStatusMark in its word: the shell replaces it with the last
// status when the command runs.
//
// parse() works in place: the words are NUL-terminated pieces of the line
// itself (quotes removed), so a Pipeline holds pointers into the caller's
// buffer and no memory is allocated.
#pragma once

#include <cstdint>

namespace cmdline {

inline constexpr int kMaxWords = 32;      // per command, argv[0] included
inline constexpr int kMaxRedirects = 4;   // per command
inline constexpr int kMaxCommands = 8;    // per pipeline
inline constexpr int kMaxPipelines = 8;   // per line

// What "$?" becomes in a word: a byte no line the shell reads contains.
inline constexpr char kStatusMark = '\x01';

enum class RedirectKind { In, Out, Append };

struct Redirect {
    RedirectKind kind;
    const char* path;
};

struct Command {
    const char* argv[kMaxWords + 1];  // argv[argc] == nullptr
    int argc;
    Redirect redirects[kMaxRedirects];
    int nredirects;
};

struct Pipeline {
    Command commands[kMaxCommands];
    int ncommands;
    bool background;                  // ended by "&"
};

struct Line {
    Pipeline pipelines[kMaxPipelines];
    int npipelines;                   // 0 for a blank line or a comment
};

// Parses the NUL-terminated `text` into `out`, overwriting `text` (the
// words live in it).  Returns nullptr on success, else a message for the
// user naming what is wrong: an unterminated quote, an operator with no
// command before or after it, a redirection with no file name, or more
// words, redirections, commands or pipelines than the limits above.
const char* parse(char* text, Line& out);

// A decimal word (an exit code, a domain id): its digits' value, below
// 2^32, in *value; false for an empty word, any other byte, or a larger
// number.
bool number(const char* text, uint64_t* value);

}  // namespace cmdline
