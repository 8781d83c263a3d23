"""labs/tree.py: main's files, which lab each belongs to, and the tree of one lab.

Which lab a file first appears in (its owner), the first rule that applies:
  1. labs/labs.toml: lab 1 (each branch gets the entries of its labs only);
     everything else under labs/ is the staff's and never published;
  2. a marker line (fences.py): `exolab: staff`, or `exolab: lab N`;
  3. grade/test_labN_*.py: lab N;
  4. a handout that labs.toml names for lab N: lab N;
  5. anything else: lab 1.
The tree of lab N holds the files whose owner is 1..N, with C and C++ files
passed through unifdef (NASM files too, their directives made unifdef's for the
run), the Makefile's `LAB ?=` default set to N (and any
other LAB refused: unifdef settled the LAB fences), the staff
blocks of the Makefile, .gitignore and DESIGN.md left out (STAFF_BLOCKS:
the Makefile's SOL, build folders of skeletons and instructors' targets;
.gitignore's solutions/; the parts of DESIGN.md on the staff's tools), and
README.md rendered from labs/student-readme.md.  DESIGN.md has no marker,
so every branch ships it (DESIGN §5); lint() insists on that.
"""

import os
import re
import string
import subprocess
import sys
import tomllib

import fences

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "grade"))
import labinfo  # noqa: E402

STAFF_DIR = "labs/"
README = "README.md"
DESIGN = "DESIGN.md"
README_TEMPLATE = "labs/student-readme.md"
MAKEFILE = "Makefile"
MAKEFILE_LAB_RE = re.compile(r"^LAB \?= \d+$", re.M)
# What a lab branch's Makefile says instead: its sources are that lab's
# (unifdef settled every LAB fence), so no other LAB can build there.
BRANCH_LAB = """LAB ?= %(n)d
ifneq ($(LAB),%(n)d)
$(error LAB=$(LAB): this is the lab%(n)d branch, whose sources build as lab %(n)d only \
(make test grades labs 1 to %(n)d here; git checkout lab$(LAB) builds lab $(LAB)))
endif"""
GITIGNORE = ".gitignore"
# The files with staff blocks, and the lines that open and close one there.
STAFF_BLOCKS = {
    MAKEFILE: ("# staff only: begin", "# staff only: end"),
    GITIGNORE: ("# staff only: begin", "# staff only: end"),
    DESIGN: ("<!-- staff only: begin -->", "<!-- staff only: end -->"),
}
TEST_RE = re.compile(r"^grade/test_lab(\d+)_[^/]*\.py$")
# The conditionals a fenced NASM file may hold (fences.scan), in NASM's
# syntax and in unifdef's.
NASM_CONDITIONAL_RE = re.compile(r"^(\s*)%%(\s*(?:%s)\b)" % "|".join(fences.NASM_CONDITIONALS), re.M)
C_CONDITIONAL_RE = re.compile(r"^(\s*)#(\s*(?:%s)\b)" % "|".join(fences.NASM_CONDITIONALS), re.M)
MERGE_TEXT = """\
Your work on the earlier labs is on your branch `$previous`.  Bring it in
before you start:

```
git checkout $branch
git merge $previous
make test
```

If git reports a conflict, fix the files it names, `git add` them and
`git commit`.  `make test` grades every lab so far: the earlier labs'
tests pass again, this lab's exercise tests fail until you solve them.
"""


class StageError(Exception):
    """Something in main's tree stops staging; the message says what and where."""


def source_files(root):
    """Paths (relative, sorted) of the files git tracks in the repository
    `root` that exist in its work tree; untracked files never count.
    stage.py passes a snapshot (a checkout of one commit), so these are
    that commit's files."""
    listing = subprocess.run(["git", "-C", root, "ls-files", "-z", "--cached"],
                             check=True, capture_output=True).stdout.decode()
    return sorted({p for p in listing.split("\0") if p and os.path.isfile(os.path.join(root, p))})


def read_text(root, path):
    """The file as text (undecodable bytes replaced: only markers and
    fences are read from text)."""
    with open(os.path.join(root, path), "rb") as f:
        return f.read().decode("utf-8", "replace")


def owner(path, text, labs):
    """The lab that `path` (contents `text`) first appears in, or None for a
    staff file; the rules are in this module's docstring."""
    if path == labinfo.PATH:
        return 1
    if path.startswith(STAFF_DIR):
        return None
    found, _ = fences.marker(path, text)
    if found:
        return found.lab
    test = TEST_RE.match(path)
    if test:
        return int(test.group(1))
    handouts = {lab.handout: lab.number for lab in labs}
    return handouts.get(path, 1)


def lint(root, labs):
    """Every problem that stops main's tree from being staged, as messages
    "path:line: ..." (broken or misplaced fences, malformed markers, a
    missing README template or DESIGN.md, a marker on DESIGN.md, a Makefile
    without one `LAB ?=` line).
    A marker may name a lab that labs.toml does not list yet: its file is
    in no branch until it does."""
    errors = []
    for path in source_files(root):
        text = read_text(root, path)
        found, marker_errors = fences.marker(path, text)
        errors += marker_errors
        if found and found.lab == 0:
            errors.append("%s:%d: there is no lab 0" % (path, found.line))
        kind = fences.kind(path)
        if kind == "fenced":
            errors += fences.scan(path, text, owner(path, text, labs) or 1)[1]
        elif kind == "preprocessed":
            errors += fences.check_preprocessed(path, text)
    if not os.path.isfile(os.path.join(root, README_TEMPLATE)):
        errors.append("%s does not exist" % README_TEMPLATE)
    if not os.path.isfile(os.path.join(root, DESIGN)):
        errors.append("%s does not exist: every branch ships it" % DESIGN)
    elif owner(DESIGN, read_text(root, DESIGN), labs) != 1:
        errors.append("%s: every branch ships it, so it can have no marker" % DESIGN)
    if len(MAKEFILE_LAB_RE.findall(read_text(root, MAKEFILE))) != 1:
        errors.append("%s: expected exactly one line `LAB ?= N`" % MAKEFILE)
    for path in STAFF_BLOCKS:
        if os.path.isfile(os.path.join(root, path)):
            errors += staff_block_errors(path, read_text(root, path))
    return errors


def staff_block_errors(path, text):
    """Messages for lines of `path` (one of STAFF_BLOCKS) that would leave
    a staff block open or close one that is not open (blocks do not nest)."""
    begin, end = STAFF_BLOCKS[path]
    errors, open_at = [], None
    for number, line in enumerate(text.split("\n"), 1):
        if line == begin:
            if open_at:
                errors.append("%s:%d: a staff block inside the one of line %d" % (path, number, open_at))
            open_at = number
        elif line == end:
            if not open_at:
                errors.append("%s:%d: `%s` without `%s`" % (path, number, end, begin))
            open_at = None
    if open_at:
        errors.append("%s:%d: this staff block has no `%s`" % (path, open_at, end))
    return errors


def without_staff_blocks(path, text):
    """`text` of `path` (one of STAFF_BLOCKS) without its staff blocks: the
    lines from each opening line to its closing line, both included."""
    begin, end = STAFF_BLOCKS[path]
    kept, inside = [], False
    for line in text.split("\n"):
        if line == (end if inside else begin):
            inside = not inside
        elif not inside:
            kept.append(line)
    return "\n".join(kept)


def missing_handouts(root, labs):
    """Messages naming each handout of labs.toml that does not exist (the
    branch is published without it)."""
    return ["%s: lab %d's handout %s does not exist" % (labinfo.PATH, lab.number, lab.handout)
            for lab in labs if not os.path.isfile(os.path.join(root, lab.handout))]


def export(root, labs, number, sol, dest):
    """Writes the tree of lab `number` into the directory `dest` (created if
    missing; files already there are overwritten, not deleted), with the
    solutions of labs 1..sol compiled in: sol=0 is the published branch,
    sol=number the solved lab.  Raises StageError if unifdef fails."""
    for path in source_files(root):
        text = read_text(root, path)
        first = owner(path, text, labs)
        if first is None or first > number or path == README:
            continue
        data = export_file(root, labs, path, number, sol)
        target = os.path.join(dest, path)
        os.makedirs(os.path.dirname(target) or dest, exist_ok=True)
        with open(target, "wb") as f:
            f.write(data)
        os.chmod(target, 0o755 if os.access(os.path.join(root, path), os.X_OK) else 0o644)
    with open(os.path.join(dest, README), "w") as f:
        f.write(render_readme(root, labs, number))


def export_file(root, labs, path, number, sol):
    """The contents of `path` in the tree of lab `number` with solutions 1..sol."""
    if path.endswith(fences.NASM_FENCED):
        return _unifdef_nasm(root, path, number, sol)
    if fences.kind(path) == "fenced":
        return _unifdef(root, ["-DLAB=%d" % number, "-DSOL=%d" % sol, path])
    text = read_text(root, path)
    if path == MAKEFILE:
        text = MAKEFILE_LAB_RE.sub(BRANCH_LAB % {"n": number}, text)
    if path in STAFF_BLOCKS:
        return without_staff_blocks(path, text).encode()
    if path == labinfo.PATH:
        return _labs_file_upto(text, number).encode()
    with open(os.path.join(root, path), "rb") as f:
        return f.read()


def _unifdef(root, arguments, data=None):
    """unifdef's output for `arguments`; raises StageError if it fails."""
    run = subprocess.run(["unifdef", "-x2", "-B"] + arguments, cwd=root, input=data, capture_output=True)
    if run.returncode != 0:
        raise StageError(run.stderr.decode().strip())
    return run.stdout


def _unifdef_nasm(root, path, number, sol):
    """A NASM file through unifdef: its conditionals (only those unifdef
    knows, fences.scan checks) become `#` lines for the run and `%` again
    after it; -t, for NASM's comments and quotes are not C's."""
    text = read_text(root, path)
    as_c = NASM_CONDITIONAL_RE.sub(r"\1#\2", text)
    out = _unifdef(root, ["-t", "-DLAB=%d" % number, "-DSOL=%d" % sol], as_c.encode()).decode()
    return C_CONDITIONAL_RE.sub(r"\1%\2", out).encode()


def _labs_file_upto(text, number):
    """labs.toml's text with only its first `number` [[lab]] tables (and the
    comments above the first); raises StageError if that does not parse as
    exactly labs 1..number."""
    chunks = re.split(r"(?m)^(?=\[\[lab\]\]\s*$)", text)
    result = "".join(chunks[:number + 1]).rstrip() + "\n"
    parsed = tomllib.loads(result).get("lab", [])
    if [entry.get("number") for entry in parsed] != list(range(1, number + 1)):
        raise StageError("%s: cannot cut it after lab %d: write each lab as one [[lab]] table, in order"
                         % (labinfo.PATH, number))
    return result


def render_readme(root, labs, number):
    """README.md of lab `number`'s branch: labs/student-readme.md with
    $number, $title, $branch, $handout and $merge (how to bring in the
    previous lab; empty for lab 1) filled in."""
    lab = labs[number - 1]
    fields = {"number": number, "title": lab.title, "branch": lab.branch, "handout": lab.handout}
    if number > 1:
        fields["merge"] = string.Template(MERGE_TEXT).substitute(fields, previous=labs[number - 2].branch)
    else:
        fields["merge"] = "Work on branch `%s` (`git checkout %s`); there is no earlier lab to merge.\n" % (
            lab.branch, lab.branch)
    return string.Template(read_text(root, README_TEMPLATE)).substitute(fields)
