#!/usr/bin/env python3
"""labs/bundle.py: the Gradescope autograder of one lab (DESIGN §6).

    labs/bundle.py LAB DEST [--timeout-scale X] [--budget SECONDS] [--workers N]

writes the folder DEST and DEST.zip, whose root is what Gradescope unpacks
into /autograder/source:

    setup.sh          installs the Debian packages (tools/install-deps)
    run_autograder    grades /autograder/submission (autograde.py gradescope)
    autograde.py      the overlay and the grading (labs/autograde.py)
    autograder.toml   the lab graded, the timeout scale, the time budget, pytest's -n
    Makefile .gdbinit grade/ tools/ labs/labs.toml handouts/abi.md
                      the official harness: exactly these files of the
                      published branch labN (stage.py's rules, no solution)

`make autograder` runs it for LAB; batch grading (grade_submissions.py)
grades with the same folder.
"""

import argparse
import os
import shutil
import stat
import sys
import tempfile
import zipfile

import autograde
import tree
from tree import labinfo

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPTS = ("autograder/setup.sh", "autograder/run_autograder", "autograde.py")
# Gradescope's machines are slow and may have one CPU: every timeout x4,
# and the whole grading stopped well inside Gradescope's own limit.
DEFAULTS = {"timeout_scale": 4.0, "budget": 1500, "workers": "auto"}


def official_tree(root, lab, dest, settings):
    """Writes into the new directory `dest` the official harness of lab
    `lab` of the course tree at `root` (module docstring), the scripts and
    autograder.toml with `settings` (DEFAULTS' keys)."""
    labs = labinfo.load(root)
    os.makedirs(dest)
    with tempfile.TemporaryDirectory(prefix="exolab-bundle-") as published:
        tree.export(root, labs, lab, 0, published)
        for path in autograde.HARNESS_DIRS + autograde.HARNESS_FILES:
            source = os.path.join(published, path)
            if os.path.isdir(source):
                shutil.copytree(source, os.path.join(dest, path))
            elif os.path.isfile(source):
                os.makedirs(os.path.dirname(os.path.join(dest, path)), exist_ok=True)
                shutil.copy2(source, os.path.join(dest, path))
    for script in SCRIPTS:
        shutil.copy2(os.path.join(HERE, script), os.path.join(dest, os.path.basename(script)))
    with open(os.path.join(dest, autograde.CONFIG), "w") as f:
        f.write("# The exolab autograder of lab %d (labs/bundle.py).\n" % lab)
        f.write('lab = %d\ntimeout_scale = %s\nbudget = %d\nworkers = "%s"\n'
                % (lab, settings["timeout_scale"], settings["budget"], settings["workers"]))


def zip_folder(folder, path):
    """Writes the zip `path` of everything in `folder`, at the zip's root,
    keeping each file's mode (run_autograder must stay executable)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for directory, subdirectories, names in os.walk(folder):
            subdirectories.sort()
            for name in sorted(names):
                full = os.path.join(directory, name)
                entry = zipfile.ZipInfo.from_file(full, os.path.relpath(full, folder))
                entry.external_attr = (stat.S_IFREG | os.stat(full).st_mode & 0o777) << 16
                with open(full, "rb") as f:
                    archive.writestr(entry, f.read(), zipfile.ZIP_DEFLATED)


def main(argv):
    """The command line (module docstring); returns the exit status."""
    parser = argparse.ArgumentParser(description="write the Gradescope autograder of one lab")
    parser.add_argument("lab", type=int)
    parser.add_argument("dest")
    parser.add_argument("--timeout-scale", type=float, default=DEFAULTS["timeout_scale"])
    parser.add_argument("--budget", type=int, default=DEFAULTS["budget"])
    parser.add_argument("--workers", default=DEFAULTS["workers"])
    args = parser.parse_args(argv)
    settings = {"timeout_scale": args.timeout_scale, "budget": args.budget, "workers": args.workers}
    dest = args.dest.rstrip("/")
    shutil.rmtree(dest, ignore_errors=True)
    official_tree(tree.ROOT, args.lab, dest, settings)
    zip_folder(dest, dest + ".zip")
    print("exolab: wrote %s.zip (and the folder %s): the autograder of lab %d" % (dest, dest, args.lab))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
