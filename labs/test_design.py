"""labs/test_design.py: every `DESIGN §N` cited in this tree names a section
of DESIGN.md, and the check catches one that does not (DESIGN §5).

test_staging.py's test_branch_ships_design makes the same check on each
published branch.  The citations planted below are built with % so that
this file itself cites nothing.
"""

import os
import subprocess

import pytest

import design
import tree

DESIGN_TEXT = "# t\n\n## 3. A\n\n### 3.2 B\n\n```\n## 9. in a code block: not a heading\n```\n"

# (text of kernel/x.cc, the line the error must name, the section it names)
DANGLING = [
    ("// see DESIGN %s4\n" % "§", 1, "4"),
    ("a\n// see DESIGN %s3.1.\n" % "§", 2, "3.1"),
    ("// the layers (DESIGN\n// %s9) say so\n" % "§", 2, "9"),
    ("x (DESIGN %s3.2, %s7)\n" % ("§", "§"), 1, "7"),
    ("x (DESIGN.md %s3-%s5)\n" % ("§", "§"), 1, "5"),
    ("x\ny\n%s10 of DESIGN.md\n" % "§", 3, "10"),
]


@pytest.mark.parametrize("text, line, section", DANGLING)
def test_dangling_citation_is_named(text, line, section):
    errors = design.dangling({"DESIGN.md": DESIGN_TEXT, "kernel/x.cc": text})
    assert any(e.startswith("kernel/x.cc:%d: " % line) and "§%s," % section in e for e in errors), errors


def test_resolved_and_foreign_citations_pass():
    """Citations of existing sections pass; a § of another document does not
    count (Intel's SDM, a handout's own sections)."""
    text = ("DESIGN %s3, DESIGN %s3.2 and %s3 of DESIGN.md\n"
            "Intel SDM vol. 3A %s4.10.4; tools.md %s4.1; lab 2 %s8.2\n") % (("§",) * 6)
    assert design.dangling({"DESIGN.md": DESIGN_TEXT, "handouts/x.md": text}) == []


def test_design_md_own_references_are_checked():
    text = DESIGN_TEXT + "as %s3.2 says, and %s4 too\n" % ("§", "§")
    errors = design.dangling({"DESIGN.md": text})
    assert len(errors) == 1 and errors[0].startswith("DESIGN.md:10: ") and "§4," in errors[0], errors


def test_duplicate_section_is_named():
    errors = design.dangling({"DESIGN.md": DESIGN_TEXT + "## 3. again\n"})
    assert errors and errors[0].startswith("DESIGN.md:10: ") and "§3" in errors[0], errors


def test_missing_design_is_named():
    errors = design.dangling({"kernel/x.cc": "// DESIGN %s3\n" % "§"}, "lab1:")
    assert errors == ["lab1:DESIGN.md does not exist, but the tree cites it 1 times"], errors


def test_every_design_citation_resolves(source):
    """The check itself, on this tree: code, handouts, the Makefile, .gdbinit,
    the harness, the tools and DESIGN.md's own references."""
    errors = design.check_tree(source)
    assert not errors, "dangling DESIGN citations:\n" + "\n".join(errors)


def test_this_tree_cites_design(source):
    """check_tree looks at something: the tree cites DESIGN.md from code,
    handouts, the Makefile and .gdbinit (else the check would pass
    vacuously)."""
    cited = {path for path in tree.source_files(source) if design.citations(tree.read_text(source, path))}
    for expected in ("kernel/abi/layout.h", "handouts/lab3-syscalls.md", "Makefile", ".gdbinit"):
        assert expected in cited, "%s no longer cites DESIGN.md; the check would not see it" % expected


def test_removed_section_is_named_in_a_copy(source_copy):
    """A copy of this tree with one heading deleted and one citation of a
    section that never existed: both citations are named by file and line."""
    path = source_copy / "DESIGN.md"
    text = path.read_text()
    gdb_heading = next(line for line in text.split("\n") if line.startswith("## 7. "))
    path.write_text(text.replace(gdb_heading + "\n", ""))
    main = source_copy / "kernel" / "main.cc"
    main.write_text(main.read_text() + "// DESIGN %s42\n" % "§")
    last = main.read_text().count("\n")
    errors = design.check_tree(str(source_copy))
    assert any(e.startswith(".gdbinit:1: ") and "§7," in e for e in errors), errors
    assert any(e.startswith("kernel/main.cc:%d: " % last) and "§42," in e for e in errors), errors


def test_branch_check_reads_the_branch(tmp_path):
    """check_branch reads a branch's own files: DESIGN.md of lab2 lacks the
    section a file of lab2 cites, and lab1 has no DESIGN.md."""
    repo = str(tmp_path)

    def git(*args):
        subprocess.run(["git", "-C", repo, "-c", "user.name=t", "-c", "user.email=t@t", *args], check=True,
                       capture_output=True)

    git("init", "-q")
    git("checkout", "-q", "-b", "lab1")
    with open(os.path.join(repo, "Makefile"), "w") as f:
        f.write("# DESIGN %s2\n" % "§")
    git("add", "-A")
    git("commit", "-q", "-m", "lab1")
    git("checkout", "-q", "-b", "lab2")
    with open(os.path.join(repo, "DESIGN.md"), "w") as f:
        f.write("## 1. Who\n")
    git("add", "-A")
    git("commit", "-q", "-m", "lab2")
    assert design.check_branch(repo, "lab1") == ["lab1:DESIGN.md does not exist, but the tree cites it 1 times"]
    errors = design.check_branch(repo, "lab2")
    assert len(errors) == 1 and errors[0].startswith("lab2:Makefile:1: ") and "§2," in errors[0], errors



def test_publishing_needs_design(source_copy, labs):
    """Without DESIGN.md, or with a marker on it, the tree does not lint, so
    make labs stops: every branch ships DESIGN.md."""
    path = source_copy / "DESIGN.md"
    text = path.read_text()
    path.write_text("<!-- exolab: lab 2 -->\n" + text)
    assert "DESIGN.md: every branch ships it, so it can have no marker" in tree.lint(str(source_copy), labs)
    path.unlink()
    assert "DESIGN.md does not exist: every branch ships it" in tree.lint(str(source_copy), labs)


def test_bench_figures_agree_with_design(source):
    """DESIGN §8's table and tools/bench-figures.toml (what `make bench`
    prints beside its figures) give each benchmark the same target and the
    same Linux figure: a row of the table holds both numbers."""
    import tomllib
    figures = tomllib.loads(tree.read_text(source, "tools/bench-figures.toml"))["bench"]
    text = tree.read_text(source, "DESIGN.md")
    rows = [line for line in text[text.index("## 8. "):text.index("## 9. ")].split("\n") if line.startswith("|")]
    for figure in figures:
        if "linux" not in figure:
            continue
        wanted = ("| %s " % format(figure["linux"], ","), "| <= %s |" % format(figure["target"], ","))
        assert any(all(w in row for w in wanted) for row in rows), \
            "no row of DESIGN §8 holds %s's Linux figure and target %s" % (figure["name"], wanted)
