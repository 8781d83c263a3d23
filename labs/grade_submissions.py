#!/usr/bin/env python3
"""labs/grade_submissions.py: grade a folder of submissions on this machine (DESIGN §6).

    labs/grade_submissions.py DIR --lab N [--out OUT] [--jobs P] [--workers W]
                              [--timeout-scale X] [--budget SECONDS]

Every entry of DIR is a submission: a `make handin` tarball (*.tar.gz,
*.tgz, *.tar), a git repository (its HEAD is graded) or a plain directory.
Each is graded exactly as Gradescope's run_autograder grades it
(autograde.grade_submission, with the official tree of lab N that
`make autograder` bundles), in its own tree OUT/work/NAME, P at a time,
each with pytest -n W.  A build failure or a hang costs that submission
only (its tests' timeouts, at most its time budget).

OUT (default build/grade-all, emptied first) receives
    official/            the official harness (the autograder bundle's folder)
    results/NAME.json    each submission's Gradescope results
    work/NAME/           each submission's tree, harness output and serial logs
    summary.csv          one row per submission: score, status, time, pass/fail per test
    summary.md           the same table in markdown

`make grade-all SUBMISSIONS=DIR` runs it for LAB.
"""

import argparse
import concurrent.futures
import csv
import os
import shutil
import sys
import time

import autograde
import bundle
import tree
from tree import labinfo

# Together P x W QEMUs: twice the cores, as make staging runs them.
DEFAULT_WORKERS = 2
DEFAULT_JOBS = max(1, os.cpu_count() or 2)
DEFAULT_TIMEOUT_SCALE = 3.0


def submissions(folder):
    """[(name, path)] of the submissions in `folder`, by name: tarballs
    (named without their extension) and directories."""
    found = []
    for entry in sorted(os.listdir(folder)):
        path = os.path.join(folder, entry)
        if os.path.isdir(path):
            found.append((entry, path))
        elif autograde.TARBALL_RE.search(entry):
            found.append((autograde.TARBALL_RE.sub("", entry), path))
    return found


def status_of(outcome):
    """How grading went, from its results: "build failed", "out of time"
    (stopped after its budget), "not graded" (the harness wrote no results)
    or "graded"."""
    names = [test["name"].split(": ", 1)[-1] for test in outcome.get("tests", [])]
    if names == ["build"]:
        return "build failed"
    if names == ["grading"]:
        return "out of time" if "time budget" in outcome.get("output", "") else "not graded"
    return "graded"


def summary_rows(lab, points, graded):
    """The summary table for lab `lab` (worth `points`): a header and one
    row per (name, results) of `graded`; a test a submission has no result
    for is "fail"."""
    pseudo = {"lab%d: build" % lab, "lab%d: grading" % lab}
    tests = sorted({t["name"] for _, outcome in graded for t in outcome["tests"]} - pseudo)
    header = ["submission", "lab %d score" % lab, "status", "seconds"] + tests
    rows = [header]
    for name, outcome in graded:
        passed = {t["name"] for t in outcome["tests"] if t.get("status") == "passed"}
        rows.append([name, "%s/%d" % (outcome["score"], points), status_of(outcome),
                     str(outcome.get("execution_time", ""))] + ["pass" if t in passed else "fail" for t in tests])
    return rows


def write_tables(out, rows):
    """Writes `rows` to out/summary.csv and out/summary.md."""
    with open(os.path.join(out, "summary.csv"), "w", newline="") as f:
        csv.writer(f).writerows(rows)
    with open(os.path.join(out, "summary.md"), "w") as f:
        f.write("| " + " | ".join(rows[0]) + " |\n")
        f.write("|" + "---|" * len(rows[0]) + "\n")
        for row in rows[1:]:
            f.write("| " + " | ".join(row) + " |\n")


def grade_all(folder, lab, out, jobs, workers, settings):
    """Grades every submission in `folder` for lab `lab` into `out` (module
    docstring), `jobs` at a time; returns the summary rows."""
    shutil.rmtree(out, ignore_errors=True)
    official = os.path.join(out, "official")
    bundle.official_tree(tree.ROOT, lab, official, dict(settings, workers=workers))
    found = submissions(folder)
    points = labinfo.load(tree.ROOT)[lab - 1].points

    def grade(entry):
        name, path = entry
        started = time.monotonic()
        outcome = autograde.grade_submission(official, path, os.path.join(out, "work", name),
                                             os.path.join(out, "results", name + ".json"))
        print("exolab: %s: %s/%d, %s (%.0f s)" % (name, outcome["score"], points, status_of(outcome),
                                                   time.monotonic() - started), flush=True)
        return name, outcome

    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        graded = list(pool.map(grade, found))
    rows = summary_rows(lab, points, graded)
    write_tables(out, rows)
    return rows


def main(argv):
    """The command line (module docstring); returns the exit status."""
    parser = argparse.ArgumentParser(description="grade a folder of submissions")
    parser.add_argument("folder")
    parser.add_argument("--lab", type=int, required=True)
    parser.add_argument("--out", default=os.path.join(tree.ROOT, "build", "grade-all"))
    parser.add_argument("--jobs", type=int, default=DEFAULT_JOBS)
    parser.add_argument("--workers", default=str(DEFAULT_WORKERS))
    parser.add_argument("--timeout-scale", type=float, default=DEFAULT_TIMEOUT_SCALE)
    parser.add_argument("--budget", type=int, default=bundle.DEFAULTS["budget"])
    args = parser.parse_args(argv)
    started = time.monotonic()
    rows = grade_all(args.folder, args.lab, args.out, args.jobs, args.workers,
                     {"timeout_scale": args.timeout_scale, "budget": args.budget})
    print("exolab: graded %d submissions in %.0f s; %s/summary.csv and summary.md"
          % (len(rows) - 1, time.monotonic() - started, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
