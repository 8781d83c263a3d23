"""grade/conftest.py: the exolab grading plugin (DESIGN §6).

  --build-dir DIR     which build to boot (the Makefile passes build/labN-solM)
  --lab N|A-B|all     grade lab N, labs A to B (make test: 1-LAB), or every lab
  --timeout-scale X   multiply every timeout (also EXOLAB_TIMEOUT_SCALE)
  --results FILE      also write a Gradescope-compatible results.json

Tests live in test_labN_*.py; each carries @pytest.mark.points(n).  The labs,
their titles, exercises and point totals come from labs/labs.toml (read by
labinfo.py); collecting whole test files checks the tests against it.  The
`machine` fixture boots QEMU; after the run this plugin prints one line per
test (OK/FAIL, time, points), a score per lab and "Score: N/M".  Every failed
test counts against full marks, so pytest's non-zero exit means "below full
marks".  Logs of every boot are in <build-dir>/../grade/<build>/<test>.log.
"""

import json
import os
import re
import subprocess
import sys
import time

import pytest

sys.path.insert(0, os.path.dirname(__file__))
import labinfo  # noqa: E402
from qemu import QEMU_CPU, Machine  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAB_FILE_RE = re.compile(r"test_lab(\d+)_")


def pytest_addoption(parser):
    group = parser.getgroup("exolab")
    group.addoption("--build-dir", default="build/lab1-sol1", help="the build to grade")
    group.addoption("--lab", default="all", help="lab number N, range A-B, or 'all'")
    group.addoption("--timeout-scale", type=float,
                    default=float(os.environ.get("EXOLAB_TIMEOUT_SCALE", "1")),
                    help="multiply every timeout (slow machines)")
    group.addoption("--results", default=None, help="write Gradescope results JSON here")


def _wanted_labs(option):
    """The labs --lab selects: None for all, else a range of lab numbers."""
    if option == "all":
        return None
    m = re.fullmatch(r"(\d+)(?:-(\d+))?", option)
    if not m:
        raise pytest.UsageError("--lab takes N, A-B or all, not %r" % option)
    first = int(m.group(1))
    return range(first, int(m.group(2) or first) + 1)


def lab_of(path):
    m = LAB_FILE_RE.search(os.path.basename(str(path)))
    return int(m.group(1)) if m else None


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Gives every test its lab and points, checks them against labs.toml
    (before -k deselects anything) and keeps the tests of --lab."""
    labs = config.exolab_labs
    wanted = _wanted_labs(config.getoption("--lab"))
    keep, drop = [], []
    for item in items:
        lab = lab_of(item.fspath)
        marker = item.get_closest_marker("points")
        if marker is None or not marker.args or marker.args[0] <= 0:
            raise pytest.UsageError("%s has no @pytest.mark.points(n)" % item.nodeid)
        if lab not in labs:
            config.exolab_problems[lab] = "%s: lab %s is not in %s" % (item.fspath.basename, lab, labinfo.PATH)
        item.user_properties += [("lab", lab), ("points", marker.args[0])]
        (keep if wanted is None or lab in wanted else drop).append(item)
    if not any("::" in arg for arg in config.args):
        config.exolab_problems.update(_disagreements_with_labs_file(labs, items))
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def _disagreements_with_labs_file(labs, items):
    """{lab: message} for every lab of labs.toml with collected tests (items:
    all of them) where an exercise it names is not one of its tests, or
    where its points are not the sum of its tests' points."""
    problems = {}
    for number in sorted({dict(item.user_properties)["lab"] for item in items} & set(labs)):
        mine = [item for item in items if dict(item.user_properties)["lab"] == number]
        unknown = [name for name in labs[number].exercises if name not in {item.originalname for item in mine}]
        total = sum(dict(item.user_properties)["points"] for item in mine)
        if unknown:
            problems[number] = "%s: lab %d's exercises %s are not tests of lab %d" % (
                labinfo.PATH, number, unknown, number)
        elif total != labs[number].points:
            problems[number] = "%s: lab %d has points = %d, but its tests add up to %d" % (
                labinfo.PATH, number, labs[number].points, total)
    return problems


# -- fixtures --------------------------------------------------------------

@pytest.fixture(autouse=True)
def labs_file_agrees(request):
    """Fails every test of a lab that labs.toml gets wrong (a failure, not a
    usage error, so that it reads the same under xdist)."""
    problem = request.config.exolab_problems.get(lab_of(request.node.fspath))
    if problem:
        pytest.fail(problem, pytrace=False)


@pytest.fixture(scope="session")
def build_dir(request):
    path = os.path.join(ROOT, request.config.getoption("--build-dir"))
    iso = os.path.join(path, "exolab.iso")
    if not os.path.exists(iso):
        pytest.exit("no %s: build it first (make)" % iso, returncode=2)
    return path


@pytest.fixture(scope="session")
def kernel_elf(build_dir):
    return os.path.join(build_dir, "kernel.elf")


@pytest.fixture(scope="session")
def timeout_scale(request):
    return request.config.getoption("--timeout-scale")


@pytest.fixture
def log_dir(request, build_dir):
    path = os.path.join(ROOT, "build", "grade", os.path.basename(build_dir))
    os.makedirs(path, exist_ok=True)
    return path


@pytest.fixture
def machine(request, build_dir, log_dir, timeout_scale):
    """A factory: machine(cmdline="", memory="128M", cpu=QEMU_CPU,
    extra_args=()) boots a fresh QEMU and returns its Machine.  All are
    stopped after the test."""
    started = []

    def boot(cmdline="", memory="128M", cpu=QEMU_CPU, extra_args=(), name=None):
        log = os.path.join(log_dir, (name or request.node.name) + ".log")
        m = Machine(os.path.join(build_dir, "exolab.iso"), log, cmdline=cmdline, memory=memory, cpu=cpu,
                    timeout_scale=timeout_scale, extra_args=extra_args)
        started.append(m)
        request.node.user_properties.append(("log", os.path.relpath(log, ROOT)))
        return m

    yield boot
    for m in started:
        m.close()


@pytest.fixture(scope="session")
def kernel_symbols(kernel_elf):
    """Function symbols of the kernel as {demangled name: (start, size)}, from nm."""
    out = subprocess.run(["nm", "-C", "-S", "--defined-only", kernel_elf], check=True,
                         capture_output=True, text=True).stdout
    symbols = {}
    for line in out.splitlines():
        parts = line.split(None, 3)
        if len(parts) == 4 and parts[2] in "tTwW":
            symbols[_without_parameters(parts[3])] = (int(parts[0], 16), int(parts[1], 16))
    return symbols


def _without_parameters(name):
    """"ns::(anonymous namespace)::f(int) const" -> "ns::(anonymous namespace)::f"."""
    name = re.sub(r" const$", "", name)
    if not name.endswith(")"):
        return name
    depth = 0
    for i in range(len(name) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(name[i], 0)
        if depth == 0:
            return name[:i]
    return name


# -- scoring and reporting -------------------------------------------------

def pytest_configure(config):
    try:
        config.exolab_labs = {lab.number: lab for lab in labinfo.load(ROOT)}
        config.exolab_problems = {}
    except labinfo.LabsFileError as e:
        raise pytest.UsageError(str(e)) from None
    config.pluginmanager.register(GradeReporter(config), "exolab-grade")


class GradeReporter:
    """Collects one result per test on the controlling process (also under
    xdist, whose workers forward their reports) and prints the scores."""

    def __init__(self, config):
        self.config = config
        self.results = {}   # nodeid -> dict
        self.started = time.monotonic()

    def pytest_runtest_logreport(self, report):
        props = dict(report.user_properties)
        if "points" not in props:
            return
        entry = self.results.setdefault(report.nodeid, {
            "lab": props["lab"], "points": props["points"], "passed": True, "duration": 0.0,
            "output": "", "name": report.nodeid.split("::")[-1]})
        entry["duration"] += report.duration
        if report.failed:
            entry["passed"] = False
            entry["output"] += report.longreprtext + "\n"
            logs = [value for key, value in report.user_properties if key == "log"]
            if logs and "full log:" not in entry["output"]:
                entry["output"] += "full log: %s\n" % ", ".join(logs)
        if report.when == "teardown":
            tr = self.config.pluginmanager.get_plugin("terminalreporter")
            if tr is not None:
                tr.write_line(_line(entry))

    def pytest_terminal_summary(self, terminalreporter):
        if not self.results:
            return
        tr = terminalreporter
        tr.write_sep("=", "exolab grade")
        total = maximum = 0
        for lab in sorted({e["lab"] for e in self.results.values()}):
            entries = sorted((e for e in self.results.values() if e["lab"] == lab), key=lambda e: e["name"])
            got = sum(e["points"] for e in entries if e["passed"])
            out_of = sum(e["points"] for e in entries)
            for e in entries:
                tr.write_line(_line(e))
                logs = re.findall(r"full log: (.*)", e["output"])
                if not e["passed"] and logs:
                    tr.write_line("          full log: %s" % logs[-1].strip())
            title = self.config.exolab_labs[lab].title if lab in self.config.exolab_labs else "not in labs.toml"
            tr.write_line("lab %s (%s) score: %d/%d" % (lab, title, got, out_of))
            total, maximum = total + got, maximum + out_of
        tr.write_line("Score: %d/%d  (%.1fs)" % (total, maximum, time.monotonic() - self.started))
        results_file = self.config.getoption("--results")
        if results_file:
            _write_gradescope(results_file, self.results, total)
            tr.write_line("results written to %s" % results_file)


def _line(entry):
    status = "OK  " if entry["passed"] else "FAIL"
    got = entry["points"] if entry["passed"] else 0
    return "  %s  lab%s %-32s %5.1fs  %2d/%d" % (status, entry["lab"], entry["name"], entry["duration"],
                                                 got, entry["points"])


def _write_gradescope(path, results, total):
    tests = [{
        "name": "lab%s: %s" % (e["lab"], e["name"]),
        "score": e["points"] if e["passed"] else 0,
        "max_score": e["points"],
        "status": "passed" if e["passed"] else "failed",
        "output": e["output"].strip(),
    } for e in sorted(results.values(), key=lambda e: (e["lab"], e["name"]))]
    with open(path, "w") as f:
        json.dump({"score": total, "tests": tests}, f, indent=2)
