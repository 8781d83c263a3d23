"""labs/conftest.py: fixtures of the staging checks (labs/test_*.py).

The checks run on what is shipped: the files stage.py reads (`source`, a
snapshot of this tree: its tracked files as they are in the working tree,
uncommitted edits included, so that a developer's edits are checked before
they are committed; untracked files are never in it), a repository
published from them (`published`), the solution patches (`patches`), and
clones of it in which a student's or an instructor's steps are replayed
(`work_tree`, `student_start`).  A test with a `lab` argument runs once per
lab of labs.toml, one with `later_lab` once per lab but the first.  At the
end the session prints the wall time of the checks of each lab.

`make staging` runs them; `make test` runs `make staging`.  On a clean
clone (CI) the snapshot is HEAD, exactly what `make labs` publishes.
"""

import collections
import os
import re
import subprocess
import sys
import time

import pytest

import fences
import stage
import tree
import worktree
from tree import labinfo

ROOT = tree.ROOT
LAB_ID_RE = re.compile(r"\[lab(\d+)\]$")


def pytest_generate_tests(metafunc):
    """`lab`: every lab of labs.toml; `later_lab`: every lab but lab 1."""
    for name, first in (("lab", 0), ("later_lab", 1)):
        if name in metafunc.fixturenames:
            labs = labinfo.load(ROOT)[first:]
            metafunc.parametrize(name, labs, ids=["lab%d" % lab.number for lab in labs])


@pytest.fixture(scope="session")
def labs(source):
    return labinfo.load(source)


def run_stage(root, *args):
    """Runs `labs/stage.py args...` of the tree at `root` (what make labs and
    make solutions run) and returns its output; fails the test if it fails."""
    done = subprocess.run([sys.executable, os.path.join(root, "labs", "stage.py"), *map(str, args)],
                          capture_output=True, text=True)
    assert done.returncode == 0, "labs/stage.py %s failed:\n%s%s" % (" ".join(map(str, args)), done.stdout,
                                                                     done.stderr)
    return done.stdout


@pytest.fixture(scope="session")
def source(tmp_path_factory):
    """The snapshot of this tree that stage.py --allow-dirty reads (a
    checkout of its own): the tree the checks check."""
    return stage.snapshot(ROOT, str(tmp_path_factory.getbasetemp() / "source"), allow_dirty=True)


@pytest.fixture(scope="session")
def published(tmp_path_factory):
    """The student repository published from this tree (make labs, with
    --allow-dirty)."""
    path = tmp_path_factory.getbasetemp() / "published"
    run_stage(ROOT, "publish", "--allow-dirty", path)
    return path


@pytest.fixture(scope="session")
def patches(tmp_path_factory):
    """The directory of the solution patches of this tree (make solutions,
    with --allow-dirty)."""
    path = tmp_path_factory.getbasetemp() / "solutions"
    run_stage(ROOT, "solutions", "--allow-dirty", path)
    return path


@pytest.fixture
def work_tree(published, tmp_path):
    """A factory: work_tree(name) clones the published repository into a
    fresh directory and returns its WorkTree."""
    return lambda name: worktree.WorkTree(published, tmp_path / name)


@pytest.fixture
def source_copy(source, tmp_path):
    """A clone of `source` (a git repository whose HEAD is what stage.py
    reads), for checks that break something on purpose; they commit what
    they break, since stage.py publishes committed files only."""
    copy = tmp_path / "source"
    worktree.run(["git", "clone", "-q", source, str(copy)], tmp_path, "git clone")
    return copy


@pytest.fixture
def student_start(work_tree, source, labs, tmp_path):
    """A factory: student_start(lab) returns (WorkTree, own): a clone of
    the published repository at the start of lab N as a student reaches it,
    and `own`, a copy of `source` whose solutions of labs 1..N-1 are
    written the student's way (own_solutions).  For N > 1 the student
    committed those solutions (own's SOL=N-1 tree of lab N-1) on branch
    labN-1, then ran `git checkout labN` and `git merge labN-1`."""
    def start(lab):
        own = own_solutions(source, lab.number, tmp_path / "own")
        work = work_tree("%s-start" % lab.branch)
        if lab.number > 1:
            previous = labs[lab.number - 2]
            work.checkout(previous.branch)
            tree.export(str(own), labs, previous.number, previous.number, work.path)
            work.commit("my solutions of labs 1-%d" % previous.number)
        work.checkout(lab.branch)
        if lab.number > 1:
            work.merge(previous.branch)
        return work, own
    return start


OWN_LINE = "(written my own way: the staging checks' student, lab %d)"


def own_solutions(source, number, path):
    """Clones `source` into `path` and rewrites every solution of labs
    1..number-1 as a student might: the reference with a comment line added
    as its first and its last line.  A patch hunk whose context lines
    reach into such a region no longer applies there.  Returns the path."""
    worktree.run(["git", "clone", "-q", source, str(path)], os.path.dirname(path), "git clone")
    for name in tree.source_files(str(path)):
        text = tree.read_text(str(path), name)
        earlier = [f for f in fences.scan(name, text, 1)[0] if f.symbol == "SOL" and f.lab < number] \
            if fences.kind(name) == "fenced" else []
        lines = text.split("\n")
        own_line = ("; " if name.endswith(fences.NASM_FENCED) else "// ") + OWN_LINE
        for fence in sorted(earlier, key=lambda f: -f.line):
            lines.insert(fence.body_end - 1, own_line % fence.lab)
            lines.insert(fence.line, own_line % fence.lab)
        if earlier:
            with open(os.path.join(path, name), "w", encoding="utf-8") as f:
                f.write("\n".join(lines))
    return path


# -- wall time per lab ------------------------------------------------------

class Timer:
    """Adds up the durations of the checks, per lab (from the `[labN]` of
    their ids) and in all, and prints them after the run."""

    def __init__(self):
        self.per_lab = collections.Counter()
        self.started = time.monotonic()

    def pytest_runtest_logreport(self, report):
        lab = LAB_ID_RE.search(report.nodeid)
        self.per_lab["lab " + lab.group(1) if lab else "labs together"] += report.duration

    def pytest_terminal_summary(self, terminalreporter):
        parts = ["%s %.0fs" % (name, seconds) for name, seconds in sorted(self.per_lab.items())]
        terminalreporter.write_line("staging checks: wall time %.0fs; time in the checks of %s"
                                    % (time.monotonic() - self.started, ", ".join(parts)))


def pytest_configure(config):
    config.pluginmanager.register(Timer(), "exolab-staging-timer")
