#!/usr/bin/env python3
"""labs/stage.py: publish the lab branches and write the solution patches (DESIGN §5).

    labs/stage.py lint                 report every broken fence or marker, as path:line
    labs/stage.py publish DEST         a fresh repository in DEST with branches lab1..labN
    labs/stage.py solutions DIR        DIR/labN.patch for every lab

`make labs DEST=dir` and `make solutions` run these; the rules that decide
what each branch holds are in tree.py, the fences in fences.py.  Both
commands lint first and stop, naming each problem, if the tree is broken.
"""

import os
import shutil
import subprocess
import sys
import tempfile

import tree
from tree import labinfo

COMMITTER = {
    "GIT_AUTHOR_NAME": "exolab", "GIT_AUTHOR_EMAIL": "staff@exolab.invalid",
    "GIT_COMMITTER_NAME": "exolab", "GIT_COMMITTER_EMAIL": "staff@exolab.invalid",
}
# Settings of the user's own git that must not change what we write.
GIT = ["git", "-c", "core.hooksPath=/dev/null", "-c", "commit.gpgsign=false", "-c", "core.autocrlf=false"]


def git(repo, *args, env=None):
    """Runs git in `repo` and returns its output (str); raises
    tree.StageError with git's message if it fails."""
    run = subprocess.run(GIT + ["-C", repo, *args], capture_output=True, text=True,
                         env=dict(os.environ, **(env or {})))
    if run.returncode != 0:
        raise tree.StageError("git %s: %s" % (" ".join(args), run.stderr.strip()))
    return run.stdout


def checked_labs(root):
    """labs.toml's labs, after a lint that found nothing; raises
    tree.StageError listing every problem otherwise."""
    try:
        labs = labinfo.load(root)
    except labinfo.LabsFileError as e:
        raise tree.StageError(str(e)) from None
    errors = tree.lint(root, labs)
    if errors:
        raise tree.StageError("the tree cannot be staged:\n" + "\n".join(errors))
    for warning in tree.missing_handouts(root, labs):
        print("exolab: warning: %s" % warning, file=sys.stderr)
    return labs


def replace_tree(root, labs, number, sol, work):
    """Empties the git work tree `work` (all but .git) and stages in its
    index the tree of lab `number` with solutions 1..sol."""
    for entry in os.listdir(work):
        if entry != ".git":
            path = os.path.join(work, entry)
            shutil.rmtree(path) if os.path.isdir(path) and not os.path.islink(path) else os.remove(path)
    tree.export(root, labs, number, sol, work)
    git(work, "add", "-A")


def publish(root, dest):
    """Creates the student repository in `dest` (absent or an empty
    directory): one commit per lab on branch labN, whose parent is the
    previous lab's; lab 1 is checked out.  Nothing of main's history and no
    solution is in it.  The commits are dated $SOURCE_DATE_EPOCH if set,
    else with main's last commit: publishing unchanged labs again with the
    same date gives the same commits."""
    labs = checked_labs(root)
    if os.path.exists(dest) and os.listdir(dest):
        raise tree.StageError("%s is not empty: publish into a new directory" % dest)
    os.makedirs(dest, exist_ok=True)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    date = "@%s +0000" % epoch if epoch else git(root, "log", "-1", "--format=%cI").strip()
    env = dict(COMMITTER, GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    git(dest, "init", "-q")
    git(dest, "symbolic-ref", "HEAD", "refs/heads/" + labs[0].branch)
    for lab in labs:
        if lab.number > 1:
            git(dest, "checkout", "-q", "-b", lab.branch)
        replace_tree(root, labs, lab.number, 0, dest)
        git(dest, "commit", "-q", "--no-verify", "-m", "Lab %d: %s" % (lab.number, lab.title), env=env)
    git(dest, "checkout", "-q", "-f", labs[0].branch)
    return labs


def write_solutions(root, out):
    """Writes out/labN.patch for every lab: applied to branch labN with
    `git apply`, it gives the tree of lab N with the solutions of labs 1..N.
    The solved trees are only ever written to a scratch repository."""
    labs = checked_labs(root)
    os.makedirs(out, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="exolab-solutions-") as scratch:
        git(scratch, "init", "-q")
        for lab in labs:
            replace_tree(root, labs, lab.number, 0, scratch)
            skeleton = git(scratch, "write-tree").strip()
            replace_tree(root, labs, lab.number, lab.number, scratch)
            solved = git(scratch, "write-tree").strip()
            with open(os.path.join(out, "lab%d.patch" % lab.number), "w") as f:
                f.write("exolab: the solution of labs 1-%d.  On branch %s: git apply %s\n\n"
                        % (lab.number, lab.branch, f.name))
                f.write(git(scratch, "diff", "--binary", skeleton, solved))
    return labs


def main(argv):
    """The command line (module docstring); returns the exit status."""
    commands = {"lint": 1, "publish": 2, "solutions": 2}
    if len(argv) < 2 or commands.get(argv[1]) != len(argv) - 1:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    try:
        if argv[1] == "lint":
            checked_labs(tree.ROOT)
            print("exolab: fences and markers are well-formed")
        elif argv[1] == "publish":
            labs = publish(tree.ROOT, argv[2])
            print("exolab: published %s in %s" % (", ".join(lab.branch for lab in labs), argv[2]))
        else:
            labs = write_solutions(tree.ROOT, argv[2])
            print("exolab: wrote %s" % ", ".join("%s/lab%d.patch" % (argv[2], lab.number) for lab in labs))
    except tree.StageError as e:
        print("exolab: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
