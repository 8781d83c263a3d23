// exolab: lab 5
// user/lib/cmdline.cc: the shell's command language (cmdline.h).
#include "lib/cmdline.h"

namespace cmdline {

namespace {

enum class Token { Word, Pipe, Semicolon, Ampersand, In, Out, Append, End, Error };

// Reads the line and writes the words back into it, quotes removed.  The
// write position never passes the read position.  When a word ends right
// where the next token starts, its NUL would overwrite that token's first
// byte, so the byte is kept in `held` until it is consumed.
struct Lexer {
    char* read;
    char* write;
    char held;
    const char* error;
};

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_operator(char c) { return c == '|' || c == ';' || c == '&' || c == '<' || c == '>'; }
char peek(const Lexer& lx) { return lx.held != '\0' ? lx.held : *lx.read; }
void advance(Lexer& lx) {
    lx.held = '\0';
    lx.read++;
}

// Copies the rest of a quoted piece up to `quote` (already consumed).
// Inside double quotes a backslash quotes the next byte.
bool copy_quoted(Lexer& lx, char quote) {
    for (char c = peek(lx); c != quote; c = peek(lx)) {
        if (c == '\0') return false;
        if (c == '\\' && quote == '"' && lx.read[1] != '\0') {
            advance(lx);
            c = peek(lx);
        } else if (c == '$' && quote == '"' && lx.read[1] == '?') {
            advance(lx);
            c = kStatusMark;
        }
        *lx.write++ = c;
        advance(lx);
    }
    advance(lx);
    return true;
}

// Reads one word starting at the current byte; returns its start.
char* read_word(Lexer& lx) {
    char* start = lx.write = lx.read;
    for (char c = peek(lx); c != '\0' && !is_blank(c) && !is_operator(c); c = peek(lx)) {
        advance(lx);
        if (c == '\'' || c == '"') {
            if (!copy_quoted(lx, c)) {
                lx.error = c == '"' ? "a \" is never closed" : "a ' is never closed";
                return nullptr;
            }
        } else if (c == '\\') {
            if (peek(lx) == '\0') {
                lx.error = "a \\ ends the line";
                return nullptr;
            }
            *lx.write++ = peek(lx);
            advance(lx);
        } else if (c == '$' && peek(lx) == '?') {
            *lx.write++ = kStatusMark;
            advance(lx);
        } else {
            *lx.write++ = c;
        }
    }
    if (lx.write == lx.read) lx.held = *lx.read;
    *lx.write = '\0';
    return start;
}

Token next(Lexer& lx, char** word) {
    while (is_blank(peek(lx))) advance(lx);
    char c = peek(lx);
    if (c == '\0' || c == '#') return Token::End;
    if (!is_operator(c)) {
        *word = read_word(lx);
        return *word != nullptr ? Token::Word : Token::Error;
    }
    advance(lx);
    switch (c) {
    case '|': return Token::Pipe;
    case ';': return Token::Semicolon;
    case '&': return Token::Ampersand;
    case '<': return Token::In;
    default:
        if (peek(lx) != '>') return Token::Out;
        advance(lx);
        return Token::Append;
    }
}

// The message for operator t with no command before it.
const char* nothing_before(Token t) {
    switch (t) {
    case Token::Pipe: return "'|' with no command before it";
    case Token::Semicolon: return "';' with no command before it";
    default: return "'&' with no command before it";
    }
}

}  // namespace

const char* parse(char* text, Line& out) {
    out.npipelines = 0;
    Lexer lx = {text, text, '\0', nullptr};
    Pipeline* pipeline = nullptr;  // the one being read, if any
    Command* command = nullptr;    // the one being read, if any
    for (;;) {
        char* word = nullptr;
        Token t = next(lx, &word);
        if (t == Token::Error) return lx.error;
        bool starts_command = t == Token::Word || t == Token::In || t == Token::Out || t == Token::Append;
        if (starts_command && command == nullptr) {
            if (pipeline == nullptr) {
                if (out.npipelines == kMaxPipelines) return "too many commands on one line";
                pipeline = &out.pipelines[out.npipelines++];
                pipeline->ncommands = 0;
                pipeline->background = false;
            }
            if (pipeline->ncommands == kMaxCommands) return "too many commands in one pipeline";
            command = &pipeline->commands[pipeline->ncommands++];
            command->argc = 0;
            command->nredirects = 0;
            command->argv[0] = nullptr;
        }
        if (t == Token::Word) {
            if (command->argc == kMaxWords) return "too many words in one command";
            command->argv[command->argc++] = word;
            command->argv[command->argc] = nullptr;
            continue;
        }
        if (starts_command) {  // a redirection: a file name must follow
            if (command->nredirects == kMaxRedirects) return "too many redirections in one command";
            char* path = nullptr;
            Token file = next(lx, &path);
            if (file == Token::Error) return lx.error;
            if (file != Token::Word) return "a redirection needs a file name";
            RedirectKind kind = t == Token::In ? RedirectKind::In : t == Token::Out ? RedirectKind::Out : RedirectKind::Append;
            command->redirects[command->nredirects++] = Redirect{kind, path};
            continue;
        }
        // An operator or the end: the command before it is complete.
        if (command != nullptr && command->argc == 0) return "a redirection with no command";
        if (t == Token::End) {
            if (pipeline != nullptr && command == nullptr) return "'|' with no command after it";
            return nullptr;
        }
        if (command == nullptr) return pipeline != nullptr ? "'|' with no command after it" : nothing_before(t);
        command = nullptr;
        if (t == Token::Pipe) continue;
        pipeline->background = t == Token::Ampersand;
        pipeline = nullptr;
    }
}

bool number(const char* text, uint64_t* value) {
    *value = 0;
    for (const char* d = text; *d != '\0'; d++) {
        if (*d < '0' || *d > '9') return false;
        *value = *value * 10 + static_cast<uint64_t>(*d - '0');
        if (*value > 0xFFFFFFFF) return false;
    }
    return text[0] != '\0';
}

}  // namespace cmdline
