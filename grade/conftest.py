"""grade/conftest.py: the exolab grading plugin (DESIGN §6).

  --build-dir DIR     which build to boot (the Makefile passes build/labN)
  --lab N|A-B|all     grade lab N, labs A to B (make test: 1-LAB), or every lab
  --timeout-scale X   multiply every timeout (also EXOLAB_TIMEOUT_SCALE)
  --results FILE      also write a Gradescope-compatible results.json

Tests live in test_labN_*.py; each carries @pytest.mark.points(n).  The labs,
their titles, exercises and point totals come from labs/labs.toml (read by
labinfo.py); collecting whole test files checks the tests against it.  The
`machine` fixture boots QEMU, and a test that fails after booting one shows
the tail of its serial output.  report.py scores the run and prints one line
per test, a score per lab and "Score: N/M"; the run exits non-zero below
full marks.  Logs of every boot are in build/grade/<build>/<test>.log.
"""

import os
import re
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
import labinfo  # noqa: E402
from qemu import QEMU_CPU, Machine  # noqa: E402
from report import GradeReporter  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAB_FILE_RE = re.compile(r"test_lab(\d+)_")


def pytest_addoption(parser):
    group = parser.getgroup("exolab")
    group.addoption("--build-dir", default="build/lab1", help="the build to grade")
    group.addoption("--lab", default="all", help="lab number N, range A-B, or 'all'")
    group.addoption("--timeout-scale", default=None,
                    help="multiply every timeout (slow machines); default $EXOLAB_TIMEOUT_SCALE, else 1")
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


def _timeout_scale(config):
    """The --timeout-scale option, else $EXOLAB_TIMEOUT_SCALE, else 1, as a
    positive float; a usage error (one line) names a value that is not."""
    option = config.getoption("--timeout-scale")
    text, source = (option, "--timeout-scale") if option is not None else (
        os.environ.get("EXOLAB_TIMEOUT_SCALE", "1"), "EXOLAB_TIMEOUT_SCALE")
    try:
        scale = float(text)
    except ValueError:
        scale = 0.0
    if not scale > 0:
        raise pytest.UsageError("%s=%s: the timeout scale must be a positive number, e.g. 3" % (source, text))
    return scale


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
    config.exolab_test_names = sorted({item.name for item in keep})
    if hasattr(config, "workeroutput"):     # an xdist worker: the controller reads it when it ends
        config.workeroutput["exolab_test_names"] = config.exolab_test_names
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
    return request.config.exolab_timeout_scale


@pytest.fixture
def log_dir(request, build_dir):
    path = os.path.join(ROOT, "build", "grade", os.path.basename(build_dir))
    os.makedirs(path, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def kernel_has_clock(kernel_elf):
    """Whether the kernel programs a periodic timer (lab 4 on: it defines
    pit::start): only then does guest time have to count instructions
    (grade/qemu.py).  A kernel nm cannot read counts them, the safe side."""
    try:
        out = subprocess.run(["nm", "-C", "--defined-only", kernel_elf], check=True, capture_output=True,
                             text=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return True
    return re.search(r" pit::start\(", out) is not None


@pytest.fixture
def machine(request, build_dir, log_dir, timeout_scale, kernel_has_clock):
    """A factory: machine(cmdline="", memory="128M", cpu=QEMU_CPU,
    extra_args=()) boots a fresh QEMU and returns its Machine.  All are
    stopped after the test, and listed on the test's item (exolab_machines)
    for pytest_runtest_makereport's serial tails."""
    started = request.node.exolab_machines = []

    def boot(cmdline="", memory="128M", cpu=QEMU_CPU, extra_args=(), name=None):
        log = os.path.join(log_dir, (name or request.node.name) + ".log")
        m = Machine(os.path.join(build_dir, "exolab.iso"), log, cmdline=cmdline, memory=memory, cpu=cpu,
                    timeout_scale=timeout_scale, extra_args=extra_args, count_instructions=kernel_has_clock)
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


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A test that fails after booting machines shows the tail of each one's
    serial output and its log (a Machine's own failure already does)."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    for m in getattr(item, "exolab_machines", ()):
        if m.log_name not in report.longreprtext:
            if hasattr(report.longrepr, "addsection"):
                report.longrepr.addsection("serial output", m.tail())
            else:
                report.longrepr = "%s\n%s" % (report.longrepr, m.tail())


# -- scoring and reporting -------------------------------------------------

def pytest_configure(config):
    try:
        config.exolab_labs = {lab.number: lab for lab in labinfo.load(ROOT)}
        config.exolab_problems = {}
    except labinfo.LabsFileError as e:
        raise pytest.UsageError(str(e)) from None
    config.exolab_timeout_scale = _timeout_scale(config)
    if not hasattr(config, "workerinput"):      # the controlling process, not an xdist worker
        config.pluginmanager.register(GradeReporter(config), "exolab-grade")
