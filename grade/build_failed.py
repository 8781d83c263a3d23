"""grade/build_failed.py: the score of a tree that does not build (DESIGN §6).

    build_failed.py --lab N --log BUILD_LOG [pytest arguments ...]

`make grade` runs this instead of the harness when the build fails: it
prints the compiler's errors (the build log without make's progress lines,
cut to MAX_LINES) and "Score: 0/P" for lab N, and if the pytest arguments
hold `--results FILE` it writes FILE in the harness's Gradescope format:
score 0, one failed entry "labN: build" worth the lab's points, whose
output is those errors.  It exits 1: the lab is below full marks.
"""

import argparse
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import labinfo  # noqa: E402
import report  # noqa: E402  (the one writer of the results format)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MAX_LINES = 40
# Lines that say what make is doing, not what went wrong: the Makefile's
# "  CXX     file" progress lines and make's own messages.
NOISE_RE = re.compile(r"^(  [A-Z]+ +\S|make(\[\d+\])?: )")


def compiler_errors(log_path):
    """The build log at `log_path` without progress lines, at most MAX_LINES
    of it, followed by how many lines were left out and where they are."""
    with open(log_path, errors="replace") as f:
        lines = [line.rstrip() for line in f if not NOISE_RE.match(line)]
    lines = [line for line in lines if line] or ["(the build printed no error; see %s)" % log_path]
    if len(lines) > MAX_LINES:
        lines = lines[:MAX_LINES] + ["... %d more lines in %s" % (len(lines) - MAX_LINES, log_path)]
    return "\n".join(lines)


def main(argv):
    """The command line (module docstring); returns 1."""
    parser = argparse.ArgumentParser(description="score a tree that does not build")
    parser.add_argument("--lab", type=int, required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--results")
    args, _ = parser.parse_known_args(argv)
    lab = {lab.number: lab for lab in labinfo.load(ROOT)}[args.lab]
    errors = compiler_errors(args.log)
    print("exolab: the kernel does not build, so no test ran:\n%s" % errors)
    print("lab %d (%s) score: 0/%d\nScore: 0/%d" % (lab.number, lab.title, lab.points, lab.points))
    if args.results:
        output = "The kernel does not build, so no test ran.  The compiler said:\n" + errors
        build = report.TestResult("build", lab.number, lab.points, messages=[output])
        build.outcomes["call"] = "failed"
        report.write_gradescope(args.results, [build], output=output)
        print("results written to %s" % args.results)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
