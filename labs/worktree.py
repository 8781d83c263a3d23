"""labs/worktree.py: a clone of a published repository where the staging
checks replay what a student or an instructor does: check out a lab, apply
a solution patch, commit, merge, build, grade.

Every step that fails raises Failed with what was run, its output and the
clone's path, so a check's failure says where to look.
"""

import collections
import glob
import json
import os
import re
import subprocess
import sys

STUDENT = {"GIT_AUTHOR_NAME": "student", "GIT_AUTHOR_EMAIL": "student@exolab.invalid",
           "GIT_COMMITTER_NAME": "student", "GIT_COMMITTER_EMAIL": "student@exolab.invalid"}
JOBS = str(os.cpu_count() or 2)
RESULT_NAME_RE = re.compile(r"^lab(\d+): ((\w+).*)$")
# One graded test: lab number, name ("test_memory_map[128]"), function ("test_memory_map").
Result = collections.namedtuple("Result", "lab name function passed")


class Failed(Exception):
    """A step in a work tree failed; the message has the command and its output."""


def run(command, cwd, what):
    """Runs `command` in `cwd`; returns its output (stdout and stderr), or
    raises Failed saying `what` failed, with the output's last lines."""
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=dict(os.environ, **STUDENT))
    output = done.stdout + done.stderr
    if done.returncode != 0:
        tail = "\n".join(output.rstrip().split("\n")[-40:])
        raise Failed("%s failed (%s, in %s):\n%s" % (what, " ".join(command), cwd, tail))
    return output


class WorkTree:
    """A clone of the repository `repo` at `path`, on no branch yet."""

    def __init__(self, repo, path):
        self.path = str(path)
        run(["git", "clone", "-q", str(repo), self.path], os.path.dirname(self.path), "git clone")

    def git(self, *args):
        """Runs a git command in the clone; returns its output."""
        return run(["git", "-c", "core.hooksPath=/dev/null", *args], self.path, "git " + args[0])

    def checkout(self, branch):
        """`git checkout branch`: the branch of the same name as origin's."""
        self.git("checkout", "-q", branch)

    def apply(self, patch):
        """`git apply patch`; raises Failed (naming the hunk that does not
        apply) unless all of it applies."""
        self.git("apply", str(patch))

    def commit(self, message):
        """Commits every change in the work tree."""
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)

    def merge(self, branch):
        """`git merge branch`; raises Failed (listing the conflicts) unless clean."""
        self.git("merge", "-q", "--no-edit", branch)

    def files(self):
        """{path: bytes} of the files of the work tree that git tracks or
        would track (not the ignored build/ and __pycache__/)."""
        listing = self.git("ls-files", "-z", "--cached", "--others", "--exclude-standard")
        found = {}
        for path in sorted(set(listing.split("\0")) - {""}):
            full = os.path.join(self.path, path)
            if os.path.isfile(full):
                with open(full, "rb") as f:
                    found[path] = f.read()
        return found

    def build(self, source, lab, sol):
        """`make` with the branch's defaults; returns the build directory.
        The tree is meant to be lab `lab` with solutions 1..sol of the tree
        at `source`: if it does not build, the failure shows the compiler's
        messages from building that configuration in `source`, whose file
        names and line numbers are main's, not the unifdef'd copy's."""
        try:
            run(["make", "-j" + JOBS], self.path, "make")
        except Failed as published:
            try:
                run(["make", "-j" + JOBS, "LAB=%d" % lab, "SOL=%d" % sol], source, "make LAB=%d SOL=%d" % (lab, sol))
            except Failed as in_source:
                raise Failed("the LAB=%d SOL=%d tree does not build.  In %s:\n%s"
                             % (lab, sol, source, in_source)) from None
            raise Failed("the LAB=%d SOL=%d tree builds in %s (make LAB=%d SOL=%d) but not as published, "
                         "where the files of later labs are missing: does it use one outside a `#if LAB` "
                         "fence?\n%s" % (lab, sol, source, lab, sol, published)) from None
        isos = glob.glob(os.path.join(self.path, "build", "*", "exolab.iso"))
        if len(isos) != 1:
            raise Failed("expected one build/*/exolab.iso in %s after make, found %s" % (self.path, isos))
        return os.path.dirname(isos[0])

    def grade(self, build_dir):
        """Runs every test of the branch (all its labs) on `build_dir` with
        the branch's own harness.  Returns ([Result], the harness's output)."""
        results = os.path.join(self.path, "build", "results.json")
        # The checks run two at a time, so each QEMU gets half the CPU it has
        # under make grade: twice the timeouts (a test ends at its outcome,
        # so this slows no test that passes or fails as it should).
        env = dict(os.environ, EXOLAB_TIMEOUT_SCALE=os.environ.get("EXOLAB_TIMEOUT_SCALE", "2"))
        done = subprocess.run([sys.executable, "-m", "pytest", "-c", "grade/pytest.ini", "--rootdir=.", "grade",
                               "--build-dir=" + os.path.relpath(build_dir, self.path), "--lab=all", "-n", "auto",
                               "--results", results], cwd=self.path, capture_output=True, text=True, env=env)
        output = done.stdout + done.stderr
        if not os.path.exists(results):
            raise Failed("the harness wrote no results (exit %d) in %s:\n%s" % (done.returncode, self.path, output))
        with open(results) as f:
            tests = json.load(f)["tests"]
        outcome = []
        for test in tests:
            lab, name, function = RESULT_NAME_RE.match(test["name"]).groups()
            outcome.append(Result(int(lab), name, function, test["status"] == "passed"))
        return outcome, output
