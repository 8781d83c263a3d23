"""labs/test_catches.py: the staging checks catch what they are for.

Each test breaks something on purpose (in a string, or in a copy of this
tree) and shows that the check fails and names the file and line: a broken
fence, a solution line planted in a skeleton (make labs fails), a skeleton
that does not compile, an #include against the layers.  Others show what
make labs publishes: committed files only (an uncommitted change is
refused, an untracked file left out), and that the student path of the
checks would catch the cumulative patch that fails there.
"""

import os
import shutil
import subprocess
import sys

import pytest

import fences
import leaks
import stage
import tree
import worktree
from conftest import ROOT

BROKEN_FENCES = [
    # (file name, contents, the line the error must name, a word of its message)
    ("x.cc", "a\n#if SOL >= 1\nb\n", 2, "#endif"),
    ("x.cc", "a\n#endif\n", 2, "without #if"),
    ("x.cc", "#if SOL > 0\n#endif\n", 1, "not a fence"),
    ("x.cc", "#ifdef SOL\n#endif\n", 1, "not a fence"),
    ("x.cc", "#if SOL >= 1\n#elif LAB >= 2\n#endif\n", 2, "not a fence"),
    ("x.cc", "#if SOL >= 1\n#else\n#else\n#endif\n", 3, "second #else"),
    ("x.cc", "#if SOL >= 1\n#if SOL >= 1\n#endif\n#endif\n", 2, "inside the solution fence"),
    ("x.cc", "#if SOL >= 2\n#endif\n", 1, "already has"),
    ("x.cc", "#if LAB >= 3\n#if SOL >= 2\n#endif\n#endif\n", 2, "first appears in lab 3"),
    ("x.cc", "#if LAB >= 1\n#endif\n", 1, "always true"),
]


@pytest.mark.parametrize("name, text, line, words", BROKEN_FENCES)
def test_broken_fence_is_named(name, text, line, words):
    errors = fences.scan(name, text, 1)[1]
    assert any(e.startswith("%s:%d: " % (name, line)) and words in e for e in errors), errors


def test_fence_in_nasm_include_is_named():
    errors = fences.check_preprocessed("kernel/x.inc", "nop\n%if SOL >= 1\n%endif\n")
    assert errors and errors[0].startswith("kernel/x.inc:2: "), errors


def test_nasm_conditional_unifdef_cannot_read_is_named():
    errors = fences.scan("x.asm", "%ifidn a, b\n%endif\n%if SOL >= 1\n%endif\n", 1)[1]
    assert errors and errors[0].startswith("x.asm:1: %ifidn"), errors


def test_nasm_fences_are_settled(tmp_path):
    # unifdef settles a NASM file's fences and leaves its other
    # conditionals, its comments and its quotes as they were.
    text = "a ; it's\n%if !F(x)\nb\n%endif\n%if SOL >= 3\nsolution\n%else\n    ; LAB 3\nskeleton\n%endif\nc\n"
    (tmp_path / "x.asm").write_text(text)
    assert fences.scan("x.asm", text, 3)[1] == []
    settled = tree.export_file(str(tmp_path), [], "x.asm", 3, 0).decode()
    assert settled == "a ; it's\n%if !F(x)\nb\n%endif\n    ; LAB 3\nskeleton\nc\n", settled
    settled = tree.export_file(str(tmp_path), [], "x.asm", 3, 3).decode()
    assert settled == "a ; it's\n%if !F(x)\nb\n%endif\nsolution\nc\n", settled


@pytest.mark.parametrize("name, text, line", [
    ("x.cc", "// x.cc: what it is\n// exolab: lab 2\n", 2),
    ("x.sh", "#!/bin/sh\n# x.sh: what it is\n# exolab: staff\n", 3),
])
def test_misplaced_marker_is_named(name, text, line):
    found, errors = fences.marker(name, text)
    assert found is None and errors and errors[0].startswith("%s:%d: the marker belongs on line" % (name, line)), errors


@pytest.mark.parametrize("path, text, line, words", [
    ("DESIGN.md", "a\n<!-- staff only: begin -->\nb\n", 2, "has no"),
    ("DESIGN.md", "a\n<!-- staff only: end -->\n", 2, "without"),
    ("Makefile", "# staff only: begin\n# staff only: begin\n# staff only: end\n", 2, "inside"),
])
def test_broken_staff_block_is_named(path, text, line, words):
    errors = tree.staff_block_errors(path, text)
    assert errors and errors[0].startswith("%s:%d: " % (path, line)) and words in errors[0], errors


def test_staff_block_is_left_out():
    text = "kept\n<!-- staff only: begin -->\ngone\n<!-- staff only: end -->\nkept too\n"
    assert tree.without_staff_blocks("DESIGN.md", text) == "kept\nkept too\n"


def test_marker_on_line_one_or_after_shebang():
    assert fences.marker("x.cc", "// exolab: lab 2\n// x.cc\n") == (fences.Marker(1, 2), [])
    assert fences.marker("x.sh", "#!/bin/sh\n# exolab: staff\n") == (fences.Marker(2, None), [])


def test_malformed_marker_is_named():
    found, errors = fences.marker("handouts/x.md", "# Title\n<!-- exolab: lab two -->\n")
    assert found is None and errors and errors[0].startswith("handouts/x.md:2: "), errors


def first_fences(root):
    """(a, b, line): the first solution fence of a C++ file (the tests plant
    C++ lines) in the tree at `root` with a skeleton and a line that the
    leak check searches for, the first other solution fence with a
    skeleton, and that line of a."""
    lines = leaks.solution_lines(root)
    solutions = [f for path in tree.source_files(root)
                 if fences.kind(path) == "fenced" and not path.endswith(fences.NASM_FENCED)
                 for f in fences.scan(path, tree.read_text(root, path), 1)[0] if f.symbol == "SOL"]
    a, line = next((f, text) for f in solutions if f.other for _, text in f.body
                   if leaks.normalise(text) in lines)
    b = next(f for f in solutions if f is not a and f.other)
    return a, b, line


def plant(root, fence, line):
    """Inserts `line` as the first line of `fence`'s skeleton in the tree at
    `root`; returns the line number it now has."""
    path = os.path.join(root, fence.path)
    with open(path) as f:
        text = f.read().split("\n")
    number = fence.other[0][0]
    text.insert(number - 1, line)
    with open(path, "w") as f:
        f.write("\n".join(text))
    return number


def commit_all(repo, message):
    """Commits every change in the git repository `repo` (as an instructor
    would before make labs)."""
    worktree.run(["git", "add", "-A"], repo, "git add")
    worktree.run(["git", "commit", "-q", "-m", message], repo, "git commit")


def stage_process(root, *args):
    """Runs `labs/stage.py args...` of the tree at `root` (what make labs
    runs); returns the finished process."""
    return subprocess.run([sys.executable, os.path.join(root, "labs", "stage.py"), *map(str, args)],
                          capture_output=True, text=True)


def test_broken_fence_stops_publishing(source_copy, tmp_path):
    a, _, _ = first_fences(source_copy)
    plant(source_copy, a, "#if SOL >= 1")
    commit_all(source_copy, "a broken fence")
    done = stage_process(source_copy, "publish", tmp_path / "p")
    assert done.returncode == 1 and "%s:%d: " % (a.path, a.other[0][0]) in done.stderr, done.stderr


def test_planted_solution_line_fails_publishing(source_copy, labs, tmp_path):
    """A line of one fence's solution, planted in another fence's skeleton:
    the tree still lints clean, but make labs's zero-leak scan finds it in
    what it published, fails naming the branch, file and line where it is
    and the solution line's own file and line, and leaves DEST empty."""
    a, b, line = first_fences(source_copy)
    number = plant(source_copy, b, line)
    commit_all(source_copy, "a solution line in a skeleton")
    dest = tmp_path / "published"
    done = stage_process(source_copy, "publish", dest)
    solution = next(n for n, text in a.body if text == line)
    where = "%s:%s:" % (labs[b.lab - 1].branch, b.path)
    assert done.returncode == 1 and "zero-leak" in done.stderr, done.stdout + done.stderr
    assert any(e.startswith(where) and "solution line of %s:%d" % (a.path, solution) in e
               for e in done.stderr.split("\n")), \
        "the line %r of %s:%d planted at %s:%d was not named:\n%s" % (line, a.path, solution, b.path, number,
                                                                      done.stderr)
    assert os.listdir(dest) == [], "make labs failed but left %s in %s" % (os.listdir(dest), dest)


def test_uncommitted_change_is_refused(source_copy, tmp_path):
    """A tracked file changed but not committed: make labs and make
    solutions refuse, naming it, and publish nothing; --allow-dirty (the
    staging checks' way) publishes the change."""
    edit = "// an edit not committed yet"
    with open(source_copy / "kernel" / "main.cc", "a") as f:
        f.write(edit + "\n")
    for command, dest in (("publish", tmp_path / "published"), ("solutions", tmp_path / "solutions")):
        done = stage_process(source_copy, command, dest)
        assert done.returncode == 1 and " M kernel/main.cc" in done.stderr and "commit" in done.stderr, \
            "%s: %s" % (command, done.stdout + done.stderr)
        assert not dest.exists(), "%s was refused but wrote %s" % (command, dest)
    done = stage_process(source_copy, "publish", "--allow-dirty", tmp_path / "published")
    assert done.returncode == 0, done.stderr
    lab1 = subprocess.run(["git", "-C", tmp_path / "published", "show", "lab1:kernel/main.cc"],
                          capture_output=True, text=True, check=True).stdout
    assert edit in lab1, "--allow-dirty did not publish the tracked file as it is in the working tree"


def test_untracked_file_is_not_published(source_copy, tmp_path):
    """A student's submission unpacked in the course tree (untracked, not
    ignored), holding a solution line: make labs publishes without it (no
    branch has the file, no object has its line), and says it left it out."""
    _, _, line = first_fences(source_copy)
    submission = source_copy / "grading" / "lab1" / "kernel" / "mine.cc"
    submission.parent.mkdir(parents=True)
    submission.write_text("// a student's submission\n%s\n" % line)
    dest = tmp_path / "published"
    done = stage_process(source_copy, "publish", dest)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "not published (untracked): grading/" in done.stderr, done.stderr
    for branch in subprocess.run(["git", "-C", dest, "branch", "--format=%(refname:short)"], capture_output=True,
                                 text=True, check=True).stdout.split():
        files = subprocess.run(["git", "-C", dest, "ls-tree", "-r", "--name-only", branch], capture_output=True,
                               text=True, check=True).stdout.split()
        assert not [f for f in files if f.startswith("grading/")], "%s has the untracked grading/" % branch
    found = leaks.find_leaks(str(dest), {leaks.normalise("// a student's submission"): "grading/lab1/kernel/mine.cc"})
    assert not found, found


def test_uncompilable_skeleton_is_named(source_copy, tmp_path):
    """A skeleton that does not compile: building its branch fails, and the
    failure shows the compiler's message with main's file and line."""
    _, b, _ = first_fences(source_copy)
    number = plant(source_copy, b, "exolab_this_does_not_compile;")
    commit_all(source_copy, "a skeleton that does not compile")
    labs, _ = stage.publish(str(source_copy), str(tmp_path / "published"))
    work = worktree.WorkTree(tmp_path / "published", tmp_path / "work")
    work.checkout(labs[b.lab - 1].branch)
    with pytest.raises(worktree.Failed) as failure:
        work.build(str(source_copy), b.lab, 0)
    assert "%s:%d:" % (b.path, number) in str(failure.value), str(failure.value)


def test_student_path_catches_a_cumulative_patch(student_start, patches, later_lab):
    """The student path of test_student_path is a real test of labN.patch:
    where the student merged their own earlier solutions, the cumulative
    patch (which holds the reference's) does not apply, as the issue that
    brought labN.patch in reported; labN.patch does."""
    work, _ = student_start(later_lab)
    with pytest.raises(worktree.Failed) as failure:
        work.git("apply", "--check", str(patches / ("lab%d-cumulative.patch" % later_lab.number)))
    assert "patch failed" in str(failure.value), str(failure.value)
    work.git("apply", "--check", str(patches / ("lab%d.patch" % later_lab.number)))


def test_zero_leak_is_checked_on_this_tree(source):
    """The leak check looks for something: without solution lines to look
    for, test_zero_leak would pass vacuously."""
    assert leaks.solution_lines(source)


@pytest.mark.parametrize("path, planted, words", [
    ("kernel/lib/string.cc", '#include "arch/x86_64/cpu.h"', "lib may not include arch/x86_64/cpu.h"),
    ("kernel/arch/x86_64/trap.cc", '#include "debug/backtrace.h"', "arch may not include debug/backtrace.h"),
    ("kernel/mm/paging.cc", '#include "domain/domain.h"', "mm may not include domain/domain.h"),
    ("user/lib/libos.cc", '#include "mm/paging.h"', "user code may include only"),
])
def test_forbidden_include_is_named(tmp_path, path, planted, words):
    """tools/check-includes passes this tree and names an include planted against the layers."""
    checker = [sys.executable, os.path.join(ROOT, "tools", "check-includes")]
    clean = subprocess.run(checker + ["--root", ROOT], capture_output=True, text=True)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    for top in ("kernel", "user"):
        shutil.copytree(os.path.join(ROOT, top), tmp_path / top)
    with open(tmp_path / path) as f:
        lines = f.read().count("\n")
    with open(tmp_path / path, "a") as f:
        f.write(planted + "\n")
    caught = subprocess.run(checker + ["--root", str(tmp_path)], capture_output=True, text=True)
    assert caught.returncode == 1 and ("%s:%d: " % (path, lines + 1)) in caught.stdout and words in caught.stdout, \
        caught.stdout + caught.stderr
