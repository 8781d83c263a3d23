"""labs/test_autograder.py: the Gradescope autograder and batch grading (DESIGN §6).

Lab 1's autograder (bundle.official_tree, what `make autograder` zips)
grades submissions made from the published lab1 branch, in a simulated
Gradescope layout: a root with source/ (the bundle), submission/ and
results/, run_autograder run with EXOLAB_AUTOGRADER_ROOT pointing at it.
  (a) the reference solution (a `make handin` tarball): full marks;
  (b) the skeleton (the files of branch lab1): exactly the exercise tests fail;
  (c) the skeleton with a Makefile whose `grade` fakes full marks (and a
      GNUmakefile, which make reads first), a grade/ plugin and a conftest.py that force passes and
      a pytest.py at the top: the same score as (b), the additions named;
  (d) a kernel that does not compile: 0, with the compiler's error;
  (e) a kernel that hangs before printing anything: 0, within its tests'
      (scaled) timeouts; with a short time budget, `timeout` stops it and
      the results still say 0 and why.
Then labs/grade_submissions.py grades a folder of two (the skeleton as a
git repository, the broken tree as a tarball) into one summary table.
"""

import csv
import json
import os
import shutil
import subprocess
import sys
import time

import pytest

import bundle
import worktree
from conftest import ROOT

LAB = 1
HERE = os.path.dirname(os.path.abspath(__file__))
FORCE_PASS = '''
import pytest

@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    outcome.get_result().outcome = "passed"
'''
FAKE_RESULTS = '{"score": 55, "tests": []}'
FAKE_GRADE = "grade:\n\techo '%s' > results.json\n" % FAKE_RESULTS


@pytest.fixture(scope="session")
def official(tmp_path_factory):
    """Lab 1's autograder folder (the contents of its zip)."""
    path = tmp_path_factory.getbasetemp() / "autograder-lab1"
    bundle.official_tree(ROOT, LAB, str(path), dict(bundle.DEFAULTS, workers="2"))
    return path


def edit(path, change):
    """Rewrites the text file `path` as change(old text)."""
    with open(path) as f:
        text = f.read()
    with open(path, "w") as f:
        f.write(change(text))


def cheat(work):
    """Makes the tree of `work` fake its grading every way a student might."""
    root = work.path
    edit(os.path.join(root, "Makefile"), lambda text: text.replace("\ngrade:", "\ngrade-orig:") + FAKE_GRADE)
    with open(os.path.join(root, "GNUmakefile"), "w") as f:
        f.write("include Makefile\n")
    for path in ("grade/force_pass.py", "conftest.py"):
        with open(os.path.join(root, path), "w") as f:
            f.write(FORCE_PASS)
    edit(os.path.join(root, "grade/conftest.py"), lambda text: text + FORCE_PASS)
    edit(os.path.join(root, "grade/pytest.ini"), lambda text: text.replace("addopts =", "addopts = -p force_pass"))
    with open(os.path.join(root, "pytest.py"), "w") as f:
        f.write("import sys\nopen('results.json', 'w').write(%r)\nsys.exit(0)\n" % FAKE_RESULTS)


def hang(work):
    """Makes the kernel of `work` spin at its first instruction."""
    edit(os.path.join(work.path, "kernel/arch/x86_64/boot.asm"), lambda text: text.replace("_start:\n", "_start:\n    jmp $\n"))


def broken(work):
    """Makes the kernel of `work` fail to compile."""
    edit(os.path.join(work.path, "kernel/main.cc"), lambda text: text + "\nthis_does_not_compile;\n")


@pytest.fixture(scope="session")
def submissions(published, patches, tmp_path_factory):
    """{kind: path}: `make handin` tarballs of branch lab1 solved (full),
    faking (cheat), not compiling (broken), hanging (hang), and the clone
    of branch lab1 itself (skeleton, a git repository)."""
    base = tmp_path_factory.getbasetemp() / "submissions"
    os.makedirs(base)
    found = {}
    for kind, change in (("full", None), ("cheat", cheat), ("broken", broken), ("hang", hang), ("skeleton", None)):
        work = worktree.WorkTree(published, base / kind)
        work.checkout("lab1")
        if kind == "full":
            work.apply(patches / "lab1.patch")
            work.commit("my solution")
        elif change:
            change(work)
            work.commit(kind)
        if kind == "skeleton":
            found[kind] = work.path
            continue
        worktree.run(["make", "handin"], work.path, "make handin")
        found[kind] = os.path.join(work.path, "build", "handin-lab1.tar.gz")
    return found


def run_autograder(official, submission, root, scale, budget=None):
    """Runs run_autograder in the simulated root `root` (source/ a copy of
    `official`, submission/ a copy of `submission`, a tarball or a tree
    without .git); returns (results, seconds, its output)."""
    shutil.copytree(official, root / "source")
    if os.path.isdir(submission):
        shutil.copytree(submission, root / "submission", ignore=shutil.ignore_patterns(".git"))
    else:
        os.makedirs(root / "submission")
        shutil.copy(submission, root / "submission")
    os.makedirs(root / "results")
    env = dict(os.environ, EXOLAB_AUTOGRADER_ROOT=str(root), EXOLAB_TIMEOUT_SCALE=str(scale))
    if budget:
        env["EXOLAB_AUTOGRADER_BUDGET"] = str(budget)
    started = time.monotonic()
    done = subprocess.run([str(root / "source" / "run_autograder")], env=env, capture_output=True, text=True)
    seconds = time.monotonic() - started
    assert done.returncode == 0, done.stdout + done.stderr
    with open(root / "results" / "results.json") as f:
        return json.load(f), seconds, done.stdout + done.stderr


def failed_functions(results):
    """The test functions that failed (test_memory_map for test_memory_map[128])."""
    return {t["name"].split(": ", 1)[1].split("[")[0] for t in results["tests"] if t["status"] != "passed"}


def test_solution_gets_full_marks(official, submissions, labs, tmp_path):
    results, seconds, output = run_autograder(official, submissions["full"], tmp_path, scale=3)
    assert results["score"] == labs[0].points and not failed_functions(results), output
    assert all(t["score"] == t["max_score"] for t in results["tests"])


@pytest.mark.parametrize("kind", ["skeleton", "cheat"])
def test_skeleton_fails_its_exercises(official, submissions, labs, tmp_path, kind):
    """(b) and (c): the cheat's fake results, plugin and shadowing files count for nothing."""
    results, seconds, output = run_autograder(official, submissions[kind], tmp_path, scale=3)
    assert failed_functions(results) == set(labs[0].exercises), output
    assert 0 < results["score"] < labs[0].points
    failed = [t for t in results["tests"] if t["status"] != "passed"]
    assert all("lines of serial output" in t["output"] for t in failed), failed
    if kind == "cheat":
        for added in ("grade/force_pass.py", "GNUmakefile"):
            assert added in results["output"], results["output"]


def test_build_failure_scores_zero_with_the_error(official, submissions, tmp_path):
    results, seconds, output = run_autograder(official, submissions["broken"], tmp_path, scale=3)
    assert results["score"] == 0
    assert "kernel/main.cc:" in results["output"] and "this_does_not_compile" in results["output"], results
    assert [t["name"] for t in results["tests"]] == ["lab1: build"]


def test_hang_costs_only_its_timeouts(official, submissions, labs, tmp_path):
    """Every test waits out its own timeout (10 s x 0.3, GDB's 30 s x 0.3)
    and fails; the grading ends long before its budget."""
    results, seconds, output = run_autograder(official, submissions["hang"], tmp_path, scale=0.3, budget=300)
    assert results["score"] == 0 and all(t["status"] == "failed" for t in results["tests"]), output
    assert len(results["tests"]) > 1, "not graded at all: %s" % results["output"]
    assert seconds < 120, "a hanging lab 1 took %.0f s to grade" % seconds


def test_budget_stops_a_hang(official, submissions, tmp_path):
    """With timeouts longer than the budget, `timeout` ends the grading; it scores 0 and says why."""
    results, seconds, output = run_autograder(official, submissions["hang"], tmp_path, scale=3, budget=20)
    assert results["score"] == 0 and "time budget of 20 s" in results["output"], results
    assert seconds < 20 + 30 + 15, "the budget of 20 s stopped a hang only after %.0f s" % seconds


def test_grade_a_folder(submissions, labs, tmp_path):
    """Batch grading of a skeleton (a git repository) and a broken tree
    (a tarball), two at a time; the solution's full marks are (a)'s."""
    folder = tmp_path / "handins"
    os.makedirs(folder)
    shutil.copy(submissions["broken"], folder / "broken.tar.gz")
    os.symlink(submissions["skeleton"], folder / "skeleton")
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, os.path.join(HERE, "grade_submissions.py"), str(folder), "--lab", "1",
                           "--out", str(out), "--jobs", "2", "--workers", "2"], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    with open(out / "summary.csv") as f:
        rows = {row["submission"]: row for row in csv.DictReader(f)}
    points, exercises = labs[0].points, set(labs[0].exercises)
    assert rows["broken"]["lab 1 score"] == "0/%d" % points and rows["broken"]["status"] == "build failed"
    assert rows["skeleton"]["status"] == "graded"
    tests = [name for name in rows["skeleton"] if name.startswith("lab1: ")]
    assert len(tests) > len(exercises)
    for name in tests:
        exercise = name.split(": ")[1].split("[")[0] in exercises
        assert rows["skeleton"][name] == ("fail" if exercise else "pass") and rows["broken"][name] == "fail", name
    with open(out / "summary.md") as f:
        assert f.read().count("\n") == 2 + 2
