"""labs/leaks.py: the zero-leak check (DESIGN §5): no line of any solution
region is in any object of a published repository.

A solution line is a line of the `#if SOL >= N` branch of a fence, compared
with runs of white space made one space and the ends trimmed.  Three kinds
are not searched for, because finding them proves nothing:
  - trivial lines: shorter than MIN_LENGTH characters, or with no word
    besides TRIVIAL_WORDS (`}`, `return false;`, `break;`);
  - lines that the fence's own #else branch has too: the skeleton keeps them
    as the student's starting point (format_number's skeleton keeps the sign
    and the digit loop of its solution);
  - lines that C and C++ code outside every solution fence has too: they are
    public already (the loop over the memory regions that the provided
    print_memory_map and the solution of summarize_memory share).
Every other solution line must be nowhere in the published repository: not
in another fence's skeleton, not in a handout, not in any blob of any
branch or of no branch.  Solution code copied outside its fence cannot be
told from provided code this way; check 2 (the skeleton fails every
exercise test) is what catches it.
"""

import re
import subprocess

import fences
import tree

MIN_LENGTH = 8
TRIVIAL_WORDS = {"return", "true", "false", "nullptr", "break", "continue", "else", "if", "for", "while",
                 "do", "void", "int", "auto", "const", "static", "case", "default"}
WORD_RE = re.compile(r"[A-Za-z_]\w*")


def normalise(line):
    """`line` with its ends trimmed and runs of white space made one space."""
    return " ".join(line.split())


def significant(line):
    """Whether a normalised line is worth searching for (module docstring)."""
    return len(line) >= MIN_LENGTH and any(w not in TRIVIAL_WORDS for w in WORD_RE.findall(line))


def solution_lines(root):
    """{normalised solution line: "path:line" of its first occurrence} for
    every solution fence in the tree at `root`, without the lines the
    module docstring exempts."""
    found, public = {}, set()
    for path in tree.source_files(root):
        if fences.kind(path) != "fenced":
            continue
        text = tree.read_text(root, path)
        in_solution = set()
        for fence in fences.scan(path, text, 1)[0]:
            if fence.symbol != "SOL":
                continue
            skeleton = {normalise(line) for _, line in fence.other}
            in_solution |= {number for number, _ in fence.body + fence.other}
            for number, line in fence.body:
                if significant(normalise(line)) and normalise(line) not in skeleton:
                    found.setdefault(normalise(line), "%s:%d" % (path, number))
        public |= {normalise(line) for number, line in enumerate(text.split("\n"), 1)
                   if number not in in_solution}
    return {line: where for line, where in found.items() if line not in public}


def find_leaks(repo, lines):
    """Messages "branch:path:line: ..." for every line of every blob in the
    object store of the git repository `repo` (reachable or not) that is a
    key of `lines` (from solution_lines)."""
    leaks = []
    names = _blob_names(repo)
    for sha, data in _blobs(repo):
        for number, text in enumerate(data.decode("utf-8", "replace").split("\n"), 1):
            line = normalise(text)
            if line in lines:
                leaks.append("%s:%d: solution line of %s: %s" % (names.get(sha, "blob " + sha), number,
                                                                 lines[line], line))
    return leaks


def _git(repo, *args, data=None):
    """Output (bytes) of `git -C repo args...`, fed `data` on stdin."""
    return subprocess.run(["git", "-C", repo, *args], input=data, check=True, capture_output=True).stdout


def _blob_names(repo):
    """{blob id: "branch:path"}, the first branch (by name) holding it."""
    names = {}
    for branch in _git(repo, "for-each-ref", "--format=%(refname:short)", "refs/heads").decode().split():
        for entry in _git(repo, "ls-tree", "-r", "-z", branch).decode().split("\0"):
            if entry:
                meta, path = entry.split("\t", 1)
                names.setdefault(meta.split()[2], "%s:%s" % (branch, path))
    return names


def _blobs(repo):
    """(id, contents) of every blob in the repository's object store."""
    listing = _git(repo, "cat-file", "--batch-all-objects", "--batch-check=%(objectname) %(objecttype)")
    ids = [line.split()[0] for line in listing.decode().splitlines() if line.endswith(" blob")]
    out = _git(repo, "cat-file", "--batch", data="".join(i + "\n" for i in ids).encode())
    position = 0
    for sha in ids:
        header_end = out.index(b"\n", position)
        size = int(out[position:header_end].split()[2])
        yield sha, out[header_end + 1:header_end + 1 + size]
        position = header_end + 1 + size + 1
