"""labs/test_staging.py: the staging checks of DESIGN §5, on this tree.

`source` is the snapshot stage.py reads (conftest.py).  For every lab N of
labs.toml:
  1. test_cumulative_patch: branch labN with solutions/labN-cumulative.patch
     applied is exactly the tree main builds with SOL=N;
  2. test_student_path, the start: the tree a student has at the start of
     lab N fails every exercise test of lab N and passes all other tests
     of labs 1..N;
  3. test_published_boots: the published labN builds and boots (for lab 1,
     test_student_path builds and grades the published lab1);
  4. test_zero_leak: no solution line is in any object of the published
     repository (for all labs at once; make labs itself scans too);
  5. test_student_path, the merge: for N > 1 the student committed their
     own solutions of labs 1..N-1 on labN-1 (the reference written
     differently: conftest.own_solutions), checked out labN and merged
     labN-1, which must merge without a conflict and give exactly the
     SOL=N-1 tree of their solutions;
  6. test_student_path, the patch: on that tree solutions/labN.patch
     applies, changes lab N's solution regions only (the result is the
     SOL=N tree of their solutions) and passes every test of labs 1..N.
Besides: the fences lint clean, the history is one commit per lab, each
branch holds its labs' files only and names no staff file, target or
skeleton build (test_branch_names_no_staff_file), and each branch ships
DESIGN.md with a section for every citation of it in that branch
(design.py).
"""

import os
import re
import subprocess
import sys

import design
import leaks
import tree
import worktree
from conftest import ROOT

sys.path.insert(0, os.path.join(ROOT, "grade"))
from qemu import Machine  # noqa: E402

BANNER = r"exolab: x86-64 exokernel"   # kmain's first line (kernel/main.cc)


def test_fences_and_markers(source, labs):
    errors = tree.lint(source, labs)
    assert not errors, "the tree cannot be staged:\n" + "\n".join(errors)


def test_every_lab_has_its_handout(source, labs):
    missing = tree.missing_handouts(source, labs)
    assert not missing, "\n".join(missing)


def git(repo, *args):
    """The output of a git command in `repo`."""
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


def words(repo, *args):
    """The output of a git command in `repo`, split into words."""
    return git(repo, *args).split()


def test_history(published, labs):
    """One commit per lab on its branch, each the child of the previous lab's,
    and no other commit, branch or tag: nothing of main's history."""
    assert words(published, "for-each-ref", "--format=%(refname)") == ["refs/heads/" + lab.branch for lab in labs]
    objects = words(published, "cat-file", "--batch-all-objects", "--batch-check=%(objecttype)")
    assert objects.count("commit") == len(labs), "the repository holds commits that are no lab's"
    parent = []
    for lab in labs:
        commit = words(published, "rev-parse", lab.branch)
        assert words(published, "rev-list", "--parents", "-n1", lab.branch) == commit + parent, \
            "the parent of %s is not %s" % (lab.branch, parent)
        parent = commit


def test_branch_holds_its_labs(published, labs, lab):
    """Branch labN has the tests and handouts of labs 1..N only, no staff
    file, no fence left, labs.toml up to N, LAB defaulting to N and a README
    that says how to start (merging lab N-1)."""
    files = words(published, "ls-tree", "-r", "--name-only", lab.branch)
    for other in labs:
        tests = [f for f in files if f.startswith("grade/test_lab%d_" % other.number)]
        assert bool(tests) == (other.number <= lab.number), "%s and the tests of lab %d: %s" % (
            lab.branch, other.number, tests)
        assert other.number <= lab.number or other.handout not in files, "%s has the handout of lab %d" % (
            lab.branch, other.number)
    staff = [f for f in files if f.startswith("labs/") and f != "labs/labs.toml"]
    assert not staff, "%s has staff files: %s" % (lab.branch, staff)

    def show(path):
        return git(published, "show", "%s:%s" % (lab.branch, path))

    assert re.findall(r"(?m)^number = (\d+)$", show("labs/labs.toml")) == [str(n) for n in range(1, lab.number + 1)]
    assert re.search(r"(?m)^LAB \?= %d$" % lab.number, show("Makefile")), "LAB does not default to %d" % lab.number
    readme = show("README.md")
    assert "lab %d: %s" % (lab.number, lab.title) in readme
    assert lab.number == 1 or "git merge %s" % labs[lab.number - 2].branch in readme
    fenced = [f for f in files if tree.fences.kind(f) == "fenced"
              and re.search(r"(?m)^\s*#\s*(el)?if.*\b(SOL|LAB)\b", show(f))]
    assert not fenced, "%s still has fences in %s" % (lab.branch, fenced)


STAFF_TARGETS_RE = re.compile(r"(?m)^(labs|solutions|staging|autograder|grade-all)\s*:")
SKELETON_TALK_RE = re.compile(r"\bSOL\b|lab(\d|N)-sol|\bstaff only\b|course tree|main tree")


def test_branch_names_no_staff_file(published, source, labs, lab):
    """Branch labN names nothing of the instructors' that it does not ship:
    no staff file's path (labs/ but labs.toml, `exolab: staff` files), no
    instructors' make target, no SOL and no skeleton build folder (its
    sources have no solution fence left), no "course tree".  DESIGN.md
    too: its staff blocks are left out (DESIGN §5)."""
    staff = sorted(path for path in tree.source_files(source)
                   if tree.owner(path, tree.read_text(source, path), labs) is None)
    assert "labs/stage.py" in staff and "handouts/instructors.md" in staff, staff
    found = []
    for path in words(published, "ls-tree", "-r", "--name-only", lab.branch):
        text = git(published, "show", "%s:%s" % (lab.branch, path))
        found += ["%s: names %s" % (path, name) for name in staff if name in text]
        found += ["%s:%d: %r" % (path, text.count("\n", 0, m.start()) + 1, m.group(0))
                  for m in SKELETON_TALK_RE.finditer(text)]
        if path == tree.MAKEFILE:
            found += ["Makefile: the instructors' target %r" % m.group(1) for m in STAFF_TARGETS_RE.finditer(text)]
    assert not found, "%s names what only the instructors have:\n%s" % (lab.branch, "\n".join(found))


def test_branch_ships_design(published, lab):
    """Branch labN has DESIGN.md, and every `DESIGN §N` cited in the branch
    (code, handouts, Makefile, .gdbinit, harness) names one of its sections."""
    errors = design.check_branch(published, lab.branch)
    assert not errors, "%s: dangling DESIGN citations:\n%s" % (lab.branch, "\n".join(errors))


def test_zero_leak(published, source):
    found = leaks.find_leaks(str(published), leaks.solution_lines(source))
    assert not found, "solution lines in the published repository:\n" + "\n".join(found)


def test_cumulative_patch(work_tree, patches, source, labs, lab, tmp_path):
    """Check 1 (and make solutions' promise for the cumulative patch); the
    SOL=N tree is graded by test_student_path (lab 1) or, with comment lines
    added in the earlier labs' solutions, by check 6."""
    work = work_tree("%s-solved" % lab.branch)
    work.checkout(lab.branch)
    work.apply(patches / ("lab%d-cumulative.patch" % lab.number))
    tree.export(source, labs, lab.number, lab.number, tmp_path / "expected")
    _assert_same_files(work.files(), tmp_path / "expected",
                       "%s with lab%d-cumulative.patch applied" % (lab.branch, lab.number), lab.number)


def test_student_path(student_start, patches, source, labs, lab, tmp_path):
    """Checks 2, 5 and 6; for lab 1 also check 3 (this tree is branch lab1)."""
    work, own = student_start(lab)
    what = "%s as the student has it at the start, with their own solutions of labs 1-%d (in %s)" % (
        lab.branch, lab.number - 1, work.path)
    tree.export(str(own), labs, lab.number, lab.number - 1, tmp_path / "start")
    _assert_same_files(work.files(), tmp_path / "start", what, lab.number - 1)
    results, output = work.grade(work.build(source, lab.number, lab.number - 1))
    exercises = [r for r in results if r.lab == lab.number and r.function in lab.exercises]
    should_fail = [r for r in exercises if r.passed]
    should_pass = [r for r in results if not r.passed and r not in exercises]
    where = "the start of %s (the SOL=%d tree, in %s)" % (lab.branch, lab.number - 1, work.path)
    assert exercises, "no exercise test of lab %d ran at %s" % (lab.number, where)
    assert not should_fail, "these exercise tests pass at %s: the skeleton solves them already\n  %s\n%s" % (
        where, "\n  ".join(_names(should_fail)), _tail(output))
    assert not should_pass, "these tests fail at %s but are not exercises of lab %d in labs.toml:\n  %s\n%s" % (
        where, lab.number, "\n  ".join(_names(should_pass)), _tail(output))

    try:
        work.apply(patches / ("lab%d.patch" % lab.number))
    except worktree.Failed as e:
        raise AssertionError("lab%d.patch does not apply to %s.  Their solutions differ from the reference "
                             "only by a comment line at the top and the bottom of each solution region of "
                             "labs 1-%d: a hunk whose context lines reach into one of those regions fails; keep "
                             "lab %d's solution fences further from them.\n%s"
                             % (lab.number, what, lab.number - 1, lab.number, e)) from None
    tree.export(str(own), labs, lab.number, lab.number, tmp_path / "solved")
    _assert_same_files(work.files(), tmp_path / "solved", "%s with lab%d.patch applied" % (what, lab.number),
                       lab.number)
    results, output = work.grade(work.build(source, lab.number, lab.number))
    failed = [r for r in results if not r.passed]
    assert not failed, "%s with solutions/lab%d.patch (in %s) fails:\n  %s\n%s" % (
        lab.branch, lab.number, work.path, "\n  ".join(_names(failed)), _tail(output))
    assert {r.lab for r in results} == set(range(1, lab.number + 1))


def test_published_boots(work_tree, source, later_lab):
    """Check 3: the published branch, as cloned, builds and its kernel boots
    (branch lab1 is the tree test_student_start[lab1] builds and grades)."""
    work = work_tree(later_lab.branch)
    work.checkout(later_lab.branch)
    build = work.build(source, later_lab.number, 0)
    machine = Machine(os.path.join(build, "exolab.iso"), os.path.join(build, "boot.log"))
    try:
        machine.expect(BANNER, timeout=30)
    finally:
        machine.close()


def _assert_same_files(found, expected_dir, what, sol):
    """Asserts that the {path: bytes} `found` is the tree in `expected_dir`
    (a SOL=`sol` tree)."""
    expected = {}
    for directory, _, names in os.walk(expected_dir):
        for name in names:
            full = os.path.join(directory, name)
            with open(full, "rb") as f:
                expected[os.path.relpath(full, expected_dir)] = f.read()
    differ = sorted(p for p in set(found) | set(expected) if found.get(p) != expected.get(p))
    assert not differ, "%s is not the SOL=%d tree; these files differ: %s" % (what, sol, differ)


def _names(results):
    return ["lab%d: %s" % (r.lab, r.name) for r in results]


def _tail(output, lines=60):
    return "harness output (end):\n" + "\n".join(output.rstrip().split("\n")[-lines:])
