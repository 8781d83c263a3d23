#!/usr/bin/env python3
"""labs/autograde.py: grade one submission with the official harness (DESIGN §6).

    autograde.py gradescope ROOT
        Gradescope's run_autograder: grades ROOT/submission with the official
        harness in ROOT/source (the bundle) and writes ROOT/results/results.json.

The Gradescope bundle (`make autograder`, labs/bundle.py) and batch grading
(`make grade-all`, labs/grade_submissions.py) both grade through
grade_submission(), so a submission is graded the same way by both:

  1. the submission (a `make handin` tarball, a git repository, whose HEAD
     is graded, or a plain directory) becomes a fresh tree;
  2. the official harness replaces the student's: grade/, tools/ and labs/
     are deleted, with whatever the student added to them, and copied from
     the official tree; so are the Makefile, .gdbinit and handouts/abi.md;
     GNUmakefile and makefile, which make would read first, are deleted;
  3. the official Makefile builds and grades the lab of the official tree's
     autograder.toml with `make -f Makefile LAB=N grade`: no recipe of the
     student's runs, and a tree that does not build scores 0 with the
     compiler's errors (grade/build_failed.py);
  4. the harness runs with PYTHONSAFEPATH=1, so no module of the submission's
     top directory can stand in for one the harness imports;
  5. every timeout is multiplied by the timeout scale (a hanging kernel
     costs its tests' timeouts), and `timeout` stops the whole grading after
     its time budget (SIGTERM, then SIGKILL), as a backstop: a grading
     stopped so scores 0 (the per-test timeouts make that pathological);
  6. the results always exist: if the harness wrote none, or was stopped,
     a score of 0 and why; the output of the results says what was graded
     and what of the student's was removed, and each failed test shows the
     tail of its serial log.

The lab graded is the bundle's (autograder.toml), never the submission's:
a submission must not choose an easier lab.  A submission whose labs.toml
does not list that lab gets a note saying so.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib

CONFIG = "autograder.toml"
# Replaced whole: anything the student added in them is removed.
HARNESS_DIRS = ("grade", "tools", "labs")
# Replaced when the official tree has them.
HARNESS_FILES = ("Makefile", ".gdbinit", "handouts/abi.md")
# make reads these before Makefile.
MAKEFILE_SHADOWS = ("GNUmakefile", "makefile")
TARBALL_RE = re.compile(r"\.(tar\.gz|tgz|tar)$")
KILL_GRACE = 30
OUTPUT_TAIL = 40
SERIAL_TAIL = 25
LOG_RE = re.compile(r"full log: ([^\s,]+)")


class Config:
    """An official tree's autograder.toml: lab (graded), timeout_scale,
    budget (seconds for the whole grading) and workers (pytest -n), the
    last three overridden by EXOLAB_TIMEOUT_SCALE, EXOLAB_AUTOGRADER_BUDGET
    and EXOLAB_AUTOGRADER_WORKERS; points is the lab's from its labs.toml."""

    def __init__(self, official):
        with open(os.path.join(official, CONFIG), "rb") as f:
            data = tomllib.load(f)
        with open(os.path.join(official, "labs", "labs.toml"), "rb") as f:
            labs = tomllib.load(f)["lab"]
        self.lab = int(data["lab"])
        self.points = labs[self.lab - 1]["points"]
        self.timeout_scale = float(os.environ.get("EXOLAB_TIMEOUT_SCALE", data["timeout_scale"]))
        self.budget = int(os.environ.get("EXOLAB_AUTOGRADER_BUDGET", data["budget"]))
        self.workers = os.environ.get("EXOLAB_AUTOGRADER_WORKERS", str(data["workers"]))


def unpack(submission, dest):
    """Writes the tree of `submission` into the new directory `dest`: a
    tarball is extracted, a git repository's HEAD archived, a directory
    copied (without .git and build/); a directory holding only a tarball
    (a Gradescope upload of `make handin`) is that tarball.  A tree inside
    one top directory (handin's labN/) is moved up.  Raises OSError or
    subprocess.CalledProcessError if the submission cannot be read."""
    os.makedirs(dest)
    entries = os.listdir(submission) if os.path.isdir(submission) else []
    tarballs = [e for e in entries if TARBALL_RE.search(e)]
    if len(tarballs) == 1 and "Makefile" not in entries:
        submission = os.path.join(submission, tarballs[0])
    if os.path.isfile(submission):
        subprocess.run(["tar", "-xf", submission, "-C", dest, "--no-same-owner"], check=True, capture_output=True)
    elif os.path.isdir(os.path.join(submission, ".git")):
        archive = subprocess.run(["git", "-C", submission, "archive", "--format=tar", "HEAD"], check=True,
                                 capture_output=True).stdout
        subprocess.run(["tar", "-xf", "-", "-C", dest], input=archive, check=True, capture_output=True)
    else:
        shutil.copytree(submission, dest, symlinks=True, dirs_exist_ok=True,
                        ignore=lambda d, names: [n for n in names if d == submission and n in (".git", "build")])
    top = os.listdir(dest)
    if len(top) == 1 and os.path.isdir(os.path.join(dest, top[0])) and not os.path.islink(os.path.join(dest, top[0])):
        inner = os.path.join(dest, top[0])
        for name in os.listdir(inner):
            os.rename(os.path.join(inner, name), os.path.join(dest, name))
        os.rmdir(inner)


def files_under(root, path):
    """Paths (relative to `root`) of every file and link under root/path."""
    found = []
    for directory, subdirectories, names in os.walk(os.path.join(root, path)):
        found += [os.path.relpath(os.path.join(directory, n), root) for n in names]
        found += [os.path.relpath(os.path.join(directory, d), root) for d in subdirectories
                  if os.path.islink(os.path.join(directory, d))]
    return sorted(found)


def remove(path):
    """Deletes the file, link or directory at `path`, if there is one."""
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
    elif os.path.lexists(path):
        os.remove(path)


def overlay(official, tree):
    """Replaces the harness of `tree` with the official tree's (module
    docstring, step 2) and deletes its build/.  Returns the paths of the
    student's files that were removed, not replaced (added to the harness
    folders, or make's GNUmakefile/makefile)."""
    removed = []
    for directory in HARNESS_DIRS:
        ours = set(files_under(official, directory))
        removed += [p for p in files_under(tree, directory) if p not in ours]
        remove(os.path.join(tree, directory))
        if os.path.isdir(os.path.join(official, directory)):
            shutil.copytree(os.path.join(official, directory), os.path.join(tree, directory), symlinks=True)
    for name in HARNESS_FILES + MAKEFILE_SHADOWS:
        target = os.path.join(tree, name)
        if name in MAKEFILE_SHADOWS and os.path.lexists(target):
            removed.append(name)
        if os.path.islink(os.path.dirname(target)):
            remove(os.path.dirname(target))     # never write through the student's link
        remove(target)
        if os.path.isfile(os.path.join(official, name)):
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copy2(os.path.join(official, name), target)
    remove(os.path.join(tree, "build"))
    return removed


def labs_listed(tree):
    """The lab numbers the tree's labs/labs.toml lists (read as text: it is
    the student's file), [] if it has none."""
    try:
        with open(os.path.join(tree, "labs", "labs.toml"), errors="replace") as f:
            return [int(n) for n in re.findall(r"(?m)^number = (\d+)$", f.read())]
    except OSError:
        return []


def run_harness(tree, config, results):
    """Builds and grades lab config.lab in `tree` with its (official)
    Makefile, writing `results`; stops it after config.budget seconds.
    Returns (exit status, output, seconds); status 124 or 137 means the
    budget ran out."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "PYTEST", "PYTHON"))}
    env.update(EXOLAB_TIMEOUT_SCALE=str(config.timeout_scale), PYTHONSAFEPATH="1", PYTHONDONTWRITEBYTECODE="1")
    command = ["timeout", "-s", "TERM", "-k", str(KILL_GRACE), str(config.budget),
               "make", "-f", "Makefile", "--no-print-directory", "LAB=%d" % config.lab, "grade",
               "PYTEST_ARGS=--results %s -n %s" % (results, config.workers)]
    started = time.monotonic()
    done = subprocess.run(command, cwd=tree, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, errors="replace")
    return done.returncode, done.stdout, time.monotonic() - started


def grade_submission(official, submission, work, results):
    """Grades `submission` (a tarball, git repository or directory) with
    the official tree `official` in the new directory `work` (its tree in
    work/tree, the harness's output in work/autograder.log) and writes the
    Gradescope results to `results`.  Returns the results as a dict; never
    raises for anything the submission holds or does."""
    config = Config(official)
    tree = os.path.join(work, "tree")
    os.makedirs(work)
    notes = ["exolab autograder: lab %d, graded with the course's Makefile, grade/, tools/ and labs/labs.toml."
             % config.lab]
    try:
        unpack(submission, tree)
    except (OSError, subprocess.CalledProcessError) as e:
        return write_results(results, zero_results(config, "the submission could not be read: %s" % e, notes))
    listed = labs_listed(tree)
    if config.lab not in listed:
        notes.append("Note: this assignment grades lab %d, but your labs/labs.toml lists labs %s: "
                     "did you hand in the right branch?" % (config.lab, listed or "none"))
    removed = overlay(official, tree)
    if removed:
        notes.append("Removed from your submission (the harness is the course's): %s" % ", ".join(removed))
    harness_results = os.path.abspath(os.path.join(work, "harness-results.json"))
    status, output, seconds = run_harness(tree, config, harness_results)
    with open(os.path.join(work, "autograder.log"), "w") as f:
        f.write(output)
    out_of_time = status in (124, 128 + 9)
    outcome = None if out_of_time else read_results(harness_results)
    if outcome is None:
        tail = "\n".join(output.rstrip().split("\n")[-OUTPUT_TAIL:])
        why = ("grading was stopped after its time budget of %d s" % config.budget if out_of_time
               else "the harness wrote no results")
        outcome = zero_results(config, "%s (exit status %d); its output ended:\n%s" % (why, status, tail), [])
    add_serial_tails(outcome, tree)
    outcome["output"] = "\n".join(notes + [outcome.get("output", "")]).strip()
    outcome["execution_time"] = round(seconds)
    return write_results(results, outcome)


def add_serial_tails(outcome, tree):
    """Appends to the output of each failed test of `outcome` that does not
    show it yet the last SERIAL_TAIL lines of the serial log it names
    ("full log: PATH", relative to `tree`): what the kernel printed is all
    a student on Gradescope can see of a run."""
    for test in outcome.get("tests", []):
        output = test.get("output", "")
        logs = LOG_RE.findall(output)
        if test.get("status") == "passed" or not logs or "of serial output" in output:
            continue
        try:
            with open(os.path.join(tree, logs[0]), errors="replace", newline="") as f:
                lines = f.read().replace("\r", "").rstrip("\n").split("\n")[1:]
        except OSError:
            continue
        tail = lines[-SERIAL_TAIL:]
        test["output"] = output.rstrip() + "\nlast %d lines of serial output:\n%s" % (
            len(tail), "\n".join("    | " + line for line in tail))


def read_results(path):
    """The results dict the harness wrote at `path`, or None."""
    try:
        with open(path) as f:
            outcome = json.load(f)
    except (OSError, ValueError):
        return None
    return outcome if isinstance(outcome, dict) and "score" in outcome else None


def zero_results(config, why, notes):
    """Results of score 0 for lab config.lab, saying `why`."""
    output = "\n".join(notes + ["No score: %s" % why])
    return {"score": 0, "output": output,
            "tests": [{"name": "lab%d: grading" % config.lab, "score": 0, "max_score": config.points,
                       "status": "failed", "output": output}]}


def write_results(path, outcome):
    """Writes `outcome` as JSON to `path`; returns it."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w") as f:
        json.dump(outcome, f, indent=2)
    return outcome


def gradescope(root):
    """Gradescope's run_autograder under `root` (normally /autograder):
    source/ is the bundle, submission/ what the student uploaded, and
    results/results.json is written.  Prints the harness's output (which
    Gradescope shows the staff).  Returns the exit status: 0 once the
    results are written."""
    with tempfile.TemporaryDirectory(prefix="exolab-autograder-") as scratch:
        work = os.path.join(scratch, "work")
        outcome = grade_submission(os.path.join(root, "source"), os.path.join(root, "submission"), work,
                                   os.path.join(root, "results", "results.json"))
        if os.path.exists(os.path.join(work, "autograder.log")):
            with open(os.path.join(work, "autograder.log")) as f:
                print(f.read())
    print("exolab autograder: score %s; results in %s" % (outcome["score"], os.path.join(root, "results")))
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "gradescope":
        sys.exit(__doc__.split("\n\n")[1])
    sys.exit(gradescope(sys.argv[2]))
