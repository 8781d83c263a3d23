"""labs/test_staging.py: the staging checks of DESIGN §5, on this tree.

`source` is the snapshot stage.py reads (conftest.py).  For every lab N of labs.toml:
  1. test_solution: branch labN with solutions/labN.patch applied (the
     tree main builds with SOL=N) passes every test of labs 1..N;
  2. test_student_start: the tree a student has at the start of lab N (the
     SOL=N-1 tree) fails every exercise test of lab N and passes all other
     tests of labs 1..N;
  3. test_published_boots: the published labN builds and boots (for lab 1,
     test_student_start builds and grades the published lab1);
  4. test_zero_leak: no solution line is in any object of the published
     repository (for all labs at once; make labs itself scans too);
  5. test_student_start again: for N > 1 that tree is built the way a
     student builds it: lab N-1 solved and committed, then `git checkout
     labN` and `git merge labN-1`, which must merge without a conflict and
     give exactly the SOL=N-1 tree.
Besides: the fences lint clean, the history is one commit per lab, each
branch holds its labs' files only, and each branch ships DESIGN.md with a
section for every citation of it in that branch (design.py).
"""

import os
import re
import subprocess
import sys

import design
import leaks
import tree
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


def test_branch_ships_design(published, lab):
    """Branch labN has DESIGN.md, and every `DESIGN §N` cited in the branch
    (code, handouts, Makefile, .gdbinit, harness) names one of its sections."""
    errors = design.check_branch(published, lab.branch)
    assert not errors, "%s: dangling DESIGN citations:\n%s" % (lab.branch, "\n".join(errors))


def test_zero_leak(published, source):
    found = leaks.find_leaks(str(published), leaks.solution_lines(source))
    assert not found, "solution lines in the published repository:\n" + "\n".join(found)


def test_solution(work_tree, patches, source, labs, lab):
    """Check 1 (and make solutions' promise)."""
    work = work_tree("%s-solved" % lab.branch)
    work.checkout(lab.branch)
    work.solve(patches / ("lab%d.patch" % lab.number), "the solution of %s" % lab.branch)
    results, output = work.grade(work.build(source, lab.number, lab.number))
    failed = [r for r in results if not r.passed]
    assert not failed, "%s with solutions/lab%d.patch (the SOL=%d tree, in %s) fails:\n  %s\n%s" % (
        lab.branch, lab.number, lab.number, work.path, "\n  ".join(_names(failed)), _tail(output))
    assert {r.lab for r in results} == set(range(1, lab.number + 1))


def test_student_start(work_tree, patches, source, labs, lab, tmp_path):
    """Checks 2 and 5; for lab 1 also check 3 (this tree is branch lab1)."""
    work = work_tree("%s-start" % lab.branch)
    if lab.number > 1:
        previous = labs[lab.number - 2]
        work.checkout(previous.branch)
        work.solve(patches / ("lab%d.patch" % previous.number), "my solution of %s" % previous.branch)
    work.checkout(lab.branch)
    if lab.number > 1:
        work.merge(previous.branch)
        expected = tmp_path / "expected"
        tree.export(source, labs, lab.number, lab.number - 1, expected)
        _assert_same_files(work.files(), expected, "%s merged with solved %s" % (lab.branch, previous.branch))
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


def _assert_same_files(found, expected_dir, what):
    """Asserts that the {path: bytes} `found` is the tree in `expected_dir`."""
    expected = {}
    for directory, _, names in os.walk(expected_dir):
        for name in names:
            full = os.path.join(directory, name)
            with open(full, "rb") as f:
                expected[os.path.relpath(full, expected_dir)] = f.read()
    differ = sorted(p for p in set(found) | set(expected) if found.get(p) != expected.get(p))
    assert not differ, "%s is not the SOL=N-1 tree; these files differ: %s" % (what, differ)


def _names(results):
    return ["lab%d: %s" % (r.lab, r.name) for r in results]


def _tail(output, lines=60):
    return "harness output (end):\n" + "\n".join(output.rstrip().split("\n")[-lines:])
