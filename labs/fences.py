"""labs/fences.py: the staging fences and the lab marker of one file (DESIGN §5).

In C and C++ files (FENCED) lab code is fenced with the preprocessor, and
unifdef removes the fences when a lab is published:

    #if SOL >= N        the reference solution of lab N
        ...
    #else               optional: the skeleton a student starts from
        ...
    #endif

    #if LAB >= N        code that first appears in lab N
        ...
    #else               optional: what the labs before N have instead
        ...
    #endif

and `#if LAB < N ... #endif`, code that lab N removes (the same as an empty
`#if LAB >= N` branch with an #else).  NASM files (NASM_FENCED) hold the same
fences in NASM's own syntax, `%if SOL >= N` ... `%else` ... `%endif`: the
build passes LAB and SOL to NASM as it does to the compiler, and the
staging tool turns their directives into unifdef's for a moment (tree.py).
Their other conditionals may only be %if, %ifdef, %ifndef and %elif, the
forms unifdef knows.  These are the only conditionals that
may mention SOL or LAB: unifdef would evaluate others too, but the checks
and the leak scan reason about exactly these.  A fence may name a lab that
labs.toml does not list yet, a lab being written: its code is in no branch
and no check covers it until labs.toml lists the lab.  Other conditionals
(include guards, #ifdef __cplusplus) may surround fences or sit inside
them.  Files that cpp or NASM preprocess but that are published without
unifdef (PREPROCESSED: `.S`, NASM's include files, linker scripts) must not
test SOL or LAB at all: such a fence would reach students untouched.

A whole file belongs to a later lab, or to the staff only, by a marker line
on its first line (its second after a `#!` line), alone in a comment of the
file's syntax: `// exolab: lab 2`, `; exolab: lab 3`, `# exolab: staff`,
`<!-- exolab: staff -->`.  The Makefile reads it there too.  A marker on
another of the first MARKER_LINES lines is an error, so that none is
silently ignored.
"""

import dataclasses
import os
import re

FENCED = (".c", ".cc", ".cpp", ".h", ".hh", ".hpp", ".asm")
NASM_FENCED = (".asm",)
PREPROCESSED = (".S", ".inc", ".ld")
MARKER_LINES = 5

DIRECTIVE_RE = re.compile(r"^\s*#\s*([a-z]+)\b(.*)$")
NASM_DIRECTIVE_RE = re.compile(r"^\s*%\s*([a-z]+)\b(.*)$")
FENCE_RE = re.compile(r"^\s*(?:(SOL)\s*>=|(LAB)\s*(>=|<))\s*(\d+)\s*$")
MENTION_RE = re.compile(r"\b(SOL|LAB)\b")
COMMENT_RE = re.compile(r"/\*.*?\*/|/\*.*$|//.*$")
NASM_COMMENT_RE = re.compile(r";.*$")
NASM_CONDITIONALS = ("if", "ifdef", "ifndef", "elif", "else", "endif")
ASM_CONDITIONAL_RE = re.compile(r"^\s*[#%]\s*(el)?if[a-z]*\b([^;]*)")
MARKER_RE = re.compile(r"^\W*exolab:\s*(?:lab\s+(\d+)|(staff))\W*$")
NEAR_MARKER_RE = re.compile(r"exolab:\s*(lab|staff)\b")


@dataclasses.dataclass
class Fence:
    """One `#if SOL >= N` or `#if LAB >= N` region of a file."""
    path: str
    line: int                  # line number of the #if
    symbol: str                # "SOL" or "LAB"
    lab: int                   # N
    before: bool = False       # True for `#if LAB < N`
    body: list = dataclasses.field(default_factory=list)   # [(line number, text)] before #else
    other: list = dataclasses.field(default_factory=list)  # [(line number, text)] after #else
    in_else: bool = False
    body_end: int = 0          # line number of the #else, or of the #endif if there is none


@dataclasses.dataclass
class Marker:
    """A file's marker line: lab is N for `exolab: lab N`, None for staff."""
    line: int
    lab: int


def kind(path):
    """"fenced" for files unifdef processes, "preprocessed" for files that a
    preprocessor reads but unifdef does not, "plain" for everything else."""
    suffix = os.path.splitext(path)[1]
    return "fenced" if suffix in FENCED else "preprocessed" if suffix in PREPROCESSED else "plain"


def marker(path, text):
    """Returns (Marker or None, errors) for the first MARKER_LINES lines of
    `text`: errors (as "path:line: message") name a line that looks like a
    marker but is not one, or a second marker."""
    found, errors = None, []
    lines = text.split("\n")
    marker_line = 2 if lines[0].startswith("#!") else 1
    for number, line in enumerate(lines[:MARKER_LINES], 1):
        match = MARKER_RE.match(line)
        if match and found:
            errors.append("%s:%d: a second marker (the first is on line %d)" % (path, number, found.line))
        elif match and number != marker_line:
            errors.append("%s:%d: the marker belongs on line %d, %s" % (
                path, number, marker_line, "after the #! line" if marker_line == 2 else "before the opening comment"))
        elif match:
            found = Marker(number, None if match.group(2) else int(match.group(1)))
        elif NEAR_MARKER_RE.search(line):
            errors.append("%s:%d: not a marker: write `exolab: lab N` or `exolab: staff` alone in a "
                          "comment" % (path, number))
    return found, errors


def check_preprocessed(path, text):
    """Errors for every conditional of a PREPROCESSED file that tests SOL or LAB."""
    return ["%s:%d: %s files are published without unifdef, so they cannot hold fences: move this "
            "code into a C++ file, or mark the whole file `exolab: lab N`"
            % (path, number, os.path.splitext(path)[1])
            for number, line in enumerate(text.split("\n"), 1)
            if (m := ASM_CONDITIONAL_RE.match(line)) and MENTION_RE.search(COMMENT_RE.sub("", m.group(2)))]


def scan(path, text, file_lab):
    """Reads the fences of the FENCED file `path` with contents `text`.

    file_lab: the lab the whole file first appears in (its marker's).
    Returns (fences, errors): every fence in the order of its #if, each with
    the lines of its two branches (a line inside a solution fence goes to
    that fence only), and messages "path:line: ..." for anything that is
    not a well-formed fence or sits where it cannot work."""
    fences, errors, stack = [], [], []   # stack: a Fence, or the line number of another #if
    nasm = path.endswith(NASM_FENCED)
    directive_re, comment_re = (NASM_DIRECTIVE_RE, NASM_COMMENT_RE) if nasm else (DIRECTIVE_RE, COMMENT_RE)

    def error(number, message):
        errors.append("%s:%d: %s" % (path, number, message))

    for number, line in enumerate(text.split("\n"), 1):
        directive = directive_re.match(line)
        word, rest = directive.groups() if directive else (None, "")
        rest = comment_re.sub("", rest)
        if nasm and re.match(r"(el)?if", word or "") and word not in NASM_CONDITIONALS:
            error(number, "%%%s: a NASM file with fences may use only %%if, %%ifdef, %%ifndef and %%elif "
                          "(unifdef reads them)" % word)
        if word in ("if", "ifdef", "ifndef", "elif", "elifdef", "elifndef") and MENTION_RE.search(rest):
            fence = FENCE_RE.match(rest) if word == "if" else None
            if not fence:
                error(number, "not a fence: write `#if SOL >= N`, `#if LAB >= N` or `#if LAB < N` "
                              "(no #elif, no other test of SOL or LAB)")
                if word.startswith("if"):
                    stack.append(number)
                continue
            new = Fence(path, number, fence.group(1) or fence.group(2), int(fence.group(4)),
                        before=fence.group(3) == "<")
            _check_fence(new, stack, file_lab, error)
            fences.append(new)
            stack.append(new)
        elif word in ("if", "ifdef", "ifndef"):
            stack.append(number)
        elif word in ("elif", "elifdef", "elifndef", "else", "endif") and not stack:
            error(number, "#%s without #if" % word)
        elif word in ("elif", "elifdef", "elifndef") and isinstance(stack[-1], Fence):
            error(number, "a fence has no #elif (the fence is on line %d)" % stack[-1].line)
        elif word == "else" and isinstance(stack[-1], Fence):
            if stack[-1].in_else:
                error(number, "a second #else (the fence is on line %d)" % stack[-1].line)
            stack[-1].in_else = True
            stack[-1].body_end = number
        elif word == "endif":
            closed = stack.pop()
            if isinstance(closed, Fence) and not closed.in_else:
                closed.body_end = number
        else:
            _record(stack, number, line)
    for still_open in stack:
        if isinstance(still_open, Fence):
            error(still_open.line, "this fence has no #endif")
        else:
            error(still_open, "this #if has no #endif")
    return fences, errors


def _check_fence(fence, stack, file_lab, error):
    """Reports a fence that cannot work where it sits.  A solution fence of
    lab N must sit in code that first appears in lab N (the file's marker,
    or the LAB fences around it):
    earlier, and the branches before N would show lab N's skeleton; later,
    and lab N's exercise would be new code in a later lab, which merging
    the student's lab N cannot fill.  Solution fences do not nest."""
    if fence.symbol == "LAB" and fence.lab < 2:
        error(fence.line, "LAB is at least 1: this fence is always %s" % ("false" if fence.before else "true"))
    if fence.symbol != "SOL":
        return
    outer = [f for f in stack if isinstance(f, Fence)]
    outer_sol = [f for f in outer if f.symbol == "SOL"]
    if outer_sol:
        error(fence.line, "a solution fence inside the solution fence of line %d" % outer_sol[0].line)
    first = max([f.lab for f in outer if f.symbol == "LAB" and f.in_else == f.before] + [file_lab])
    if first > fence.lab:
        error(fence.line, "lab %d's solution inside code that first appears in lab %d" % (fence.lab, first))
    elif first < fence.lab:
        error(fence.line, "lab %d's solution inside code that lab %d already has, which would show lab %d's "
              "skeleton in lab %d's branch: mark the file `exolab: lab %d` if it is new in lab %d, or put "
              "the code inside `#if LAB >= %d`" % ((fence.lab, first, fence.lab, first) + (fence.lab,) * 3))


def _record(stack, number, line):
    """Adds a line to the branch it is in of the innermost solution fence."""
    for fence in reversed(stack):
        if isinstance(fence, Fence) and fence.symbol == "SOL":
            (fence.other if fence.in_else else fence.body).append((number, line))
            return
