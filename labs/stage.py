#!/usr/bin/env python3
"""labs/stage.py: publish the lab branches and write the solution patches (DESIGN §5).

    labs/stage.py lint                              report every broken fence or marker, as path:line
    labs/stage.py publish [--allow-dirty] DEST      a fresh repository in DEST with branches lab1..labN
    labs/stage.py solutions [--allow-dirty] DIR     DIR/labN.patch and DIR/labN-cumulative.patch

`make labs DEST=dir` and `make solutions` run these; the rules that decide
what each branch holds are in tree.py, the fences in fences.py.  Publishing
and the patches read the committed files of HEAD, never the working tree:
they refuse a tree with uncommitted changes to tracked files, and never
read an untracked file (they name those they leave out).  --allow-dirty,
for the staging checks, reads the tracked files as they are in the working
tree instead (untracked files still never).  Both lint first and stop,
naming each problem, if the tree is broken; publish then runs the zero-leak
scan (leaks.py) on what it wrote and fails, emptying DEST, if it finds a
solution line.
"""

import os
import shutil
import subprocess
import sys
import tempfile

import leaks
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
    _empty(work, keep=".git")
    tree.export(root, labs, number, sol, work)
    git(work, "add", "-A")


def source_commit(root, allow_dirty):
    """The commit of the repository `root` to publish: HEAD; with
    allow_dirty and uncommitted changes to tracked files, a commit of the
    tracked files as they are in the working tree (`git stash create`: it
    writes objects, no ref, and leaves the work tree and index alone).
    Raises tree.StageError naming the changes if there are some and not
    allow_dirty.  Prints the untracked files, which are never published."""
    changes = git(root, "status", "--porcelain", "--untracked-files=no").rstrip()
    if changes and not allow_dirty:
        raise tree.StageError("uncommitted changes to tracked files:\n%s\nonly committed files are published: "
                              "commit or stash them first" % changes)
    untracked = git(root, "ls-files", "--others", "--exclude-standard", "--directory").split("\n")
    if any(untracked):
        print("exolab: not published (untracked): %s" % " ".join(p for p in untracked if p), file=sys.stderr)
    return git(root, "stash", "create").strip() if changes else git(root, "rev-parse", "HEAD").strip()


def snapshot(root, dest, allow_dirty=False):
    """Checks out in `dest` (absent) the commit source_commit() chooses, as
    a clone of `root` that borrows its objects (git clone --shared), and
    returns dest: every file stage.py publishes is read from there.  Raises
    tree.StageError as source_commit() does."""
    commit = source_commit(root, allow_dirty)
    git(os.path.dirname(os.path.abspath(dest)), "clone", "-q", "--shared", "--no-checkout",
        os.path.abspath(root), os.path.abspath(dest))
    git(dest, "checkout", "-q", "--detach", commit)
    return dest


def publish(root, dest, allow_dirty=False):
    """Creates the student repository in `dest` (absent or an empty
    directory) from the files snapshot() reads: one commit per lab on branch
    labN, whose parent is the previous lab's; lab 1 is checked out.  Nothing
    of main's history is in it, and the zero-leak scan finds no solution
    line in any of its objects: if it does, `dest` is emptied and
    tree.StageError names each leak (branch:path:line, and the solution's
    path:line).  The commits are dated $SOURCE_DATE_EPOCH if set, else with
    HEAD's commit date: publishing unchanged labs again with the same date
    gives the same commits.  Returns (labs, how many solution lines the
    scan searched for)."""
    if os.path.exists(dest) and os.listdir(dest):
        raise tree.StageError("%s is not empty: publish into a new directory" % dest)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    date = "@%s +0000" % epoch if epoch else git(root, "log", "-1", "--format=%cI").strip()
    env = dict(COMMITTER, GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    with tempfile.TemporaryDirectory(prefix="exolab-source-") as scratch:
        source = snapshot(root, os.path.join(scratch, "source"), allow_dirty)
        labs = checked_labs(source)
        os.makedirs(dest, exist_ok=True)
        try:
            git(dest, "init", "-q")
            git(dest, "symbolic-ref", "HEAD", "refs/heads/" + labs[0].branch)
            for lab in labs:
                if lab.number > 1:
                    git(dest, "checkout", "-q", "-b", lab.branch)
                replace_tree(source, labs, lab.number, 0, dest)
                git(dest, "commit", "-q", "--no-verify", "-m", "Lab %d: %s" % (lab.number, lab.title), env=env)
            git(dest, "checkout", "-q", "-f", labs[0].branch)
            solution_lines = leaks.solution_lines(source)
            found = leaks.find_leaks(dest, solution_lines)
            if found:
                raise tree.StageError("the zero-leak scan found solution lines in what was published, so %s "
                                      "is emptied:\n%s" % (dest, "\n".join(found)))
        except tree.StageError:
            _empty(dest)
            raise
    return labs, len(solution_lines)


def _empty(directory, keep=None):
    """Deletes everything in `directory` but the entry named `keep`."""
    for entry in os.listdir(directory):
        path = os.path.join(directory, entry)
        if entry != keep:
            shutil.rmtree(path) if os.path.isdir(path) and not os.path.islink(path) else os.remove(path)


def write_solutions(root, out, allow_dirty=False):
    """Writes, from the files snapshot() reads, for every lab N:
      out/labN.patch: lab N's solution alone, the diff from the tree of lab
        N with the solutions of labs 1..N-1 to the one with 1..N.  Its hunks
        cover lab N's solution regions only, so `git apply` takes it on a
        branch labN that merged the student's own labs 1..N-1, however they
        wrote them, as long as no hunk's context lines reach into them (the
        staging checks prove this for every lab);
      out/labN-cumulative.patch: the solutions of labs 1..N, for a pristine
        branch labN (for lab 1 the two are the same).
    The solved trees are only ever written to a scratch repository."""
    with tempfile.TemporaryDirectory(prefix="exolab-solutions-") as scratch:
        source = snapshot(root, os.path.join(scratch, "source"), allow_dirty)
        labs = checked_labs(source)
        os.makedirs(out, exist_ok=True)
        work = os.path.join(scratch, "trees")
        git(scratch, "init", "-q", work)
        for lab in labs:
            trees = []
            for sol in (0, lab.number - 1, lab.number):
                replace_tree(source, labs, lab.number, sol, work)
                trees.append(git(work, "write-tree").strip())
            skeleton, earlier_solved, solved = trees
            merged = ", after merging your %s" % labs[lab.number - 2].branch if lab.number > 1 else ""
            _write_patch(out, "lab%d.patch" % lab.number, git(work, "diff", "--binary", earlier_solved, solved),
                         "the solution of lab %d alone.  On branch %s%s:" % (lab.number, lab.branch, merged))
            _write_patch(out, "lab%d-cumulative.patch" % lab.number, git(work, "diff", "--binary", skeleton, solved),
                         "the solutions of labs 1-%d.  On a pristine branch %s:" % (lab.number, lab.branch))
    return labs


def _write_patch(out, name, diff, what):
    """Writes out/name: a line saying `what` it is and how to apply it, then `diff`."""
    with open(os.path.join(out, name), "w") as f:
        f.write("exolab: %s git apply %s\n\n%s" % (what, name, diff))


def main(argv):
    """The command line (module docstring); returns the exit status."""
    allow_dirty = "--allow-dirty" in argv[2:3]
    args = [argv[1]] + argv[2 + allow_dirty:] if len(argv) > 1 else []
    commands = {"lint": 1, "publish": 2, "solutions": 2}
    if not args or commands.get(args[0]) != len(args) or (allow_dirty and args[0] == "lint"):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    try:
        if args[0] == "lint":
            checked_labs(tree.ROOT)
            print("exolab: fences and markers are well-formed")
        elif args[0] == "publish":
            labs, searched = publish(tree.ROOT, args[1], allow_dirty)
            print("exolab: published %s in %s; zero leak: none of %d solution lines is in any of its objects"
                  % (", ".join(lab.branch for lab in labs), args[1], searched))
        else:
            labs = write_solutions(tree.ROOT, args[1], allow_dirty)
            print("exolab: wrote %s" % ", ".join("%s/lab%d.patch and lab%d-cumulative.patch"
                                                 % (args[1], lab.number, lab.number) for lab in labs))
    except tree.StageError as e:
        print("exolab: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
