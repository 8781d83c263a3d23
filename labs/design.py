"""labs/design.py: every citation of DESIGN.md names one of its sections (DESIGN §5).

Code, handouts and the Makefile cite the design as `DESIGN §3.2`; such a
citation may wrap onto the next line (after a comment leader), list more
sections (`DESIGN §3.2, §9`, `DESIGN §3.1-§3.5`) or come after them
(`§8 of DESIGN.md`).  Inside DESIGN.md a bare `§N` is a citation too.  A
section is a heading of DESIGN.md that starts with its number:
`## 3. The exokernel` is §3, `### 3.2 System-call ABI` is §3.2.

check_tree(root) checks a source tree (the files stage.py reads),
check_branch(repo, branch) a branch of a published repository; both return
messages "path:line: ..." naming each citation that resolves to no heading,
and each section number that two headings share.
"""

import re
import subprocess

import tree

DESIGN = tree.DESIGN

NUMBER = r"(\d+(?:\.\d+)*)"
# A section reference and the ones listed after it: "§3.2, §9", "§3.1-§3.5".
SECTIONS = r"§\s*%s(?:\s*(?:,|and|or|-|–)\s*§\s*%s)*" % (NUMBER, NUMBER)
# DESIGN, or DESIGN.md, then white space or comment leaders (a wrapped
# line), then the sections; or the sections, then "of/in DESIGN".
CITATION_RE = re.compile(r"\bDESIGN(?:\.md)?(?:'s)?[\s/#;*]*(%s)|(%s)\s+(?:of|in)\s+(?:the\s+)?DESIGN\b"
                         % (SECTIONS, SECTIONS))
SECTION_RE = re.compile(r"§\s*" + NUMBER)
HEADING_RE = re.compile(r"^#{1,6}\s+" + NUMBER + r"\.?\s")
FENCE_RE = re.compile(r"^\s*(```|~~~)")


def _line_of(text, offset):
    return text.count("\n", 0, offset) + 1


def citations(text, bare=False):
    """[(line, section)] of every section cited in `text`, in order: those
    of DESIGN citations, or with bare=True every `§N` (DESIGN.md itself)."""
    found = []
    spans = [m.span(1) if m.group(1) else m.span(4) for m in CITATION_RE.finditer(text)] if not bare \
        else [(0, len(text))]
    for start, end in spans:
        for m in SECTION_RE.finditer(text, start, end):
            found.append((_line_of(text, m.start()), m.group(1)))
    return found


def sections(design_text):
    """{section number: line of its heading} of DESIGN.md's text (headings
    inside ``` blocks do not count), and messages for numbers used twice."""
    found, errors, in_code = {}, [], False
    for number, line in enumerate(design_text.split("\n"), 1):
        if FENCE_RE.match(line):
            in_code = not in_code
            continue
        heading = None if in_code else HEADING_RE.match(line)
        if heading and heading.group(1) in found:
            errors.append("%s:%d: a second heading for §%s (the first is on line %d)"
                          % (DESIGN, number, heading.group(1), found[heading.group(1)]))
        elif heading:
            found[heading.group(1)] = number
    return found, errors


def dangling(files, where=""):
    """Messages for `files` ({path: text}, DESIGN.md among them): each
    citation that names no section of that DESIGN.md, each section number
    two headings share, or a missing DESIGN.md.  `where` prefixes each path
    (a branch: "lab2:")."""
    if DESIGN not in files:
        return ["%s%s does not exist, but the tree cites it %d times"
                % (where, DESIGN, sum(len(citations(text)) for text in files.values()))]
    known, errors = sections(files[DESIGN])
    errors = [where + e for e in errors]
    for path, text in sorted(files.items()):
        for line, section in citations(text, bare=path == DESIGN):
            if section not in known:
                errors.append("%s%s:%d: cites DESIGN §%s, which is no section heading of %s"
                              % (where, path, line, section, DESIGN))
    return errors


def check_tree(root):
    """dangling() of the source tree at `root`: every file stage.py reads."""
    files = {}
    for path in tree.source_files(root):
        with open("%s/%s" % (root, path), "rb") as f:
            data = f.read()
        if b"\0" not in data:
            files[path] = data.decode("utf-8", "replace")
    return dangling(files)


def check_branch(repo, branch):
    """dangling() of branch `branch` of the git repository `repo`, with
    paths shown as "branch:path"."""
    return dangling(branch_files(repo, branch), branch + ":")


def branch_files(repo, branch):
    """{path: text} of the text files (no NUL byte) of `branch` in `repo`."""
    def git(*args, data=None):
        return subprocess.run(["git", "-C", str(repo), *args], input=data, check=True,
                              capture_output=True).stdout

    entries = [e.split("\t", 1) for e in git("ls-tree", "-r", "-z", branch).decode().split("\0") if e]
    blobs = [(meta.split()[2], path) for meta, path in entries if meta.split()[1] == "blob"]
    out = git("cat-file", "--batch", data="".join(sha + "\n" for sha, _ in blobs).encode())
    files, position = {}, 0
    for _, path in blobs:
        header_end = out.index(b"\n", position)
        size = int(out[position:header_end].split()[2])
        data = out[header_end + 1:header_end + 1 + size]
        position = header_end + 1 + size + 1
        if b"\0" not in data:
            files[path] = data.decode("utf-8", "replace")
    return files
