"""grade/report.py: what a grading run scored, and how it is shown (DESIGN §6).

The GradeReporter plugin runs in the controlling process (under xdist the
workers forward every report to it).  A test earns its points only when its
call phase passed and its set-up and teardown did not fail; a test that
failed, skipped, errored in set-up or teardown, was running in a worker that
crashed, or had not finished when the run was interrupted scores 0.  A run
that was interrupted, or stopped before every collected test finished, is
reported as INCOMPLETE, on the terminal and in the --results file.
"""

import dataclasses
import json
import re
import time

import pytest

# The result word of each way a test can end, as the result lines show it.
OK, FAIL, SKIP, ERROR, CRASH, UNFINISHED = "OK", "FAIL", "SKIP", "ERROR", "CRASH", "UNFINISHED"
LOG_LINE_RE = re.compile(r"^\s*full log: .*\n?", re.M)


@dataclasses.dataclass
class TestResult:
    """One test as its reports arrived: set-up, call and teardown outcomes."""
    nodeid: str
    lab: int
    points: int
    outcomes: dict = dataclasses.field(default_factory=dict)   # when -> "passed"/"failed"/"skipped"
    duration: float = 0.0
    messages: list = dataclasses.field(default_factory=list)
    logs: list = dataclasses.field(default_factory=list)
    crashed: bool = False

    @property
    def name(self):
        return self.nodeid.split("::")[-1]

    @property
    def finished(self):
        """The test's last report arrived (its teardown, or its worker's crash)."""
        return self.crashed or "teardown" in self.outcomes

    @property
    def word(self):
        """How the test ended: OK, FAIL, SKIP, ERROR, CRASH or UNFINISHED."""
        if self.crashed:
            return CRASH
        if "failed" in (self.outcomes.get("setup"), self.outcomes.get("teardown")):
            return ERROR
        if "skipped" in self.outcomes.values():
            return SKIP
        if self.outcomes.get("call") == "failed":
            return FAIL
        if self.outcomes.get("call") == "passed" and self.finished:
            return OK
        return UNFINISHED

    @property
    def earned(self):
        return self.points if self.word == OK else 0

    def line(self):
        """The result line: word, lab, name, time, points."""
        return "  %-10s lab%s %-32s %5.1fs  %2d/%d" % (self.word, self.lab, self.name, self.duration,
                                                       self.earned, self.points)

    def output(self):
        """What the student reads: the failure messages with the serial tail,
        without log paths (they name files on the grading machine)."""
        return LOG_LINE_RE.sub("", "\n".join(self.messages)).strip()


def _message(report):
    """The explanation of a failed or skipped report, without the worker's
    `[gwN] linux -- Python ...` header that report.longreprtext carries."""
    if report.skipped and isinstance(report.longrepr, tuple):
        return "skipped: %s (a skipped test scores 0)" % report.longrepr[2]
    text = str(report.longrepr).rstrip()
    if report.when in ("setup", "teardown"):
        return "error in %s:\n%s" % (report.when, text)
    return text


class GradeReporter:
    """Collects every test's reports, prints its result line as it finishes,
    and at the end the sorted lines, a score per lab, the total, and the
    --results file."""

    def __init__(self, config):
        self.config = config
        self.results = {}           # nodeid -> TestResult
        self.collected = set()      # nodeids of every test the run was to run
        self.test_names = set()     # every test of the chosen labs, before -k (for "nothing matched")
        self.exitstatus = None
        self.started = time.monotonic()

    # -- collecting results ---------------------------------------------------

    def pytest_collection_finish(self, session):
        self.collected.update(item.nodeid for item in session.items)
        self.test_names.update(getattr(self.config, "exolab_test_names", ()))

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node, ids):
        self.collected.update(ids)

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node, error):
        self.test_names.update(getattr(node, "workeroutput", {}).get("exolab_test_names", ()))

    def pytest_runtest_logreport(self, report):
        props = dict(report.user_properties)
        result = self.results.get(report.nodeid)
        if report.when == "???":    # xdist: the worker running this test died
            if result is not None:
                result.crashed = True
                result.messages.append("the worker running this test crashed: %s" % report.longrepr)
                self._print_line(result)
            return
        if "points" not in props:
            return
        if result is None:
            result = self.results[report.nodeid] = TestResult(report.nodeid, props["lab"], props["points"])
        result.outcomes[report.when] = report.outcome
        result.duration += report.duration
        result.logs = [value for key, value in report.user_properties if key == "log"]
        if report.failed or report.skipped:
            result.messages.append(_message(report))
        if report.when == "teardown":
            self._print_line(result)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_report_teststatus(self, report, config):
        """No progress letters (`.`, `F`) for graded tests: their result lines
        are the progress, and a letter would start such a line."""
        outcome = yield
        graded = "points" in dict(getattr(report, "user_properties", ())) or report.nodeid in self.results
        if graded and config.option.verbose <= 0:
            category, _, word = outcome.get_result()
            outcome.force_result((category, "", word))

    def _print_line(self, result):
        tr = self.config.pluginmanager.get_plugin("terminalreporter")
        if tr is not None:
            tr.write_line(result.line())

    # -- the end of the run ------------------------------------------------------

    def incomplete(self):
        """Why the scores are not the whole run's, or None."""
        unfinished = [r for r in self.results.values() if not r.finished]
        not_run = len(self.collected - set(self.results))
        if self.exitstatus != pytest.ExitCode.INTERRUPTED and not unfinished and not not_run:
            return None
        why = "the run was interrupted" if self.exitstatus == pytest.ExitCode.INTERRUPTED else "the run stopped early"
        return "INCOMPLETE: %s; %d tests did not finish and %d did not start (they score 0)" % (
            why, len(unfinished), not_run)

    def pytest_sessionfinish(self, session, exitstatus):
        """Records how the run ended and makes it fail below full marks (a
        skipped test leaves pytest's status at 0); writes --results."""
        self.exitstatus = exitstatus
        total = sum(r.earned for r in self.results.values())
        if exitstatus == pytest.ExitCode.OK and total < sum(r.points for r in self.results.values()):
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
        path = self.config.getoption("--results")
        if path and self.results:
            write_gradescope(path, self.results.values(), self.incomplete())

    def pytest_terminal_summary(self, terminalreporter):
        tr = terminalreporter
        if self.exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED:
            self._say_nothing_matched(tr)
        if not self.results:
            return
        tr.write_sep("=", "exolab grade")
        total = maximum = 0
        for lab in sorted({r.lab for r in self.results.values()}):
            mine = sorted((r for r in self.results.values() if r.lab == lab), key=lambda r: r.name)
            for r in mine:
                tr.write_line(r.line())
                if r.word != OK and r.logs:
                    tr.write_line("             full log: %s" % ", ".join(r.logs))
            got, out_of = sum(r.earned for r in mine), sum(r.points for r in mine)
            title = self.config.exolab_labs[lab].title if lab in self.config.exolab_labs else "not in labs.toml"
            tr.write_line("lab %s (%s) score: %d/%d" % (lab, title, got, out_of))
            total, maximum = total + got, maximum + out_of
        incomplete = self.incomplete()
        if incomplete:
            tr.write_line(incomplete, red=True, bold=True)
        tr.write_line("Score: %d/%d%s  (%.1fs)" % (total, maximum, "  INCOMPLETE" if incomplete else "",
                                                  time.monotonic() - self.started))
        if self.config.getoption("--results"):
            tr.write_line("results written to %s" % self.config.getoption("--results"))

    def _say_nothing_matched(self, tr):
        keyword = self.config.getoption("keyword")
        labs = self.config.getoption("--lab")
        if keyword and self.test_names:
            tr.write_line("exolab: no test of --lab=%s matched TEST (-k) '%s'; its tests are:" % (labs, keyword),
                          red=True)
            tr.write_line("  " + " ".join(sorted(self.test_names)))
        else:
            tr.write_line("exolab: no test of --lab=%s was collected%s" % (
                labs, " that matched -k '%s'" % keyword if keyword else ""), red=True)


def write_gradescope(path, results, incomplete=None, output=None):
    """Writes a Gradescope results.json: the score, one entry per test
    ("labN: name", score, max_score, status, output) and, for an incomplete
    run, a top-level output saying so and extra_data.incomplete; otherwise
    `output`, if given, is the top-level output (build_failed.py's)."""
    results = sorted(results, key=lambda r: (r.lab, r.name))
    data = {"score": sum(r.earned for r in results), "tests": [{
        "name": "lab%s: %s" % (r.lab, r.name),
        "score": r.earned,
        "max_score": r.points,
        "status": "passed" if r.word == OK else "failed",
        "output": r.output() if r.word != UNFINISHED else "the run was interrupted before this test finished",
    } for r in results]}
    if incomplete:
        data["output"] = incomplete
        data["extra_data"] = {"incomplete": True}
    elif output:
        data["output"] = output
    with open(path, "w") as f:
        json.dump(data, f, indent=2)
