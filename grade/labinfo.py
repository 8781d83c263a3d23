"""grade/labinfo.py: the labs of exolab, as listed in labs/labs.toml.

labs/labs.toml is the one list of labs (DESIGN §5).  The grading harness
(conftest.py) reads it through load(), which checks its shape, so that a mistake there is reported once,
naming the file and the entry, instead of as a puzzling failure later.
"""

import dataclasses
import os
import tomllib

PATH = "labs/labs.toml"


@dataclasses.dataclass(frozen=True)
class Lab:
    number: int          # N of LAB=N and grade/test_labN_*.py
    branch: str          # the lab's git branch
    title: str           # shown in scores
    handout: str         # path of the handout, from the repository's root
    exercises: tuple     # names of the test functions that grade this lab's exercises
    points: int          # the lab's total: the sum of its tests' @pytest.mark.points


FIELDS = {"number": int, "branch": str, "title": str, "handout": str, "exercises": list, "points": int}


class LabsFileError(Exception):
    """labs/labs.toml is missing or malformed; the message says where."""


def load(root):
    """Returns the labs listed in <root>/labs/labs.toml as a list of Lab,
    lab 1 first.  Raises LabsFileError if the file is unreadable, an entry
    lacks a field or has an unknown one, a field has the wrong type, the
    numbers are not 1, 2, 3, ... in order, or two labs share a branch."""
    try:
        with open(os.path.join(root, PATH), "rb") as f:
            data = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise LabsFileError("%s: %s" % (PATH, e)) from None
    entries = data.get("lab")
    if set(data) != {"lab"} or not isinstance(entries, list) or not entries:
        raise LabsFileError("%s: expected only [[lab]] tables, at least one" % PATH)
    labs = [_lab(index, entry) for index, entry in enumerate(entries, 1)]
    branches = [lab.branch for lab in labs]
    if len(set(branches)) != len(branches):
        raise LabsFileError("%s: two labs have the same branch: %s" % (PATH, branches))
    return labs


def _lab(index, entry):
    """The Lab of the index-th [[lab]] table `entry`; raises LabsFileError."""
    where = "%s: [[lab]] number %d" % (PATH, index)
    missing = sorted(set(FIELDS) - set(entry))
    unknown = sorted(set(entry) - set(FIELDS))
    if missing or unknown:
        raise LabsFileError("%s: missing fields %s, unknown fields %s" % (where, missing, unknown))
    for name, kind in FIELDS.items():
        if not isinstance(entry[name], kind) or isinstance(entry[name], bool):
            raise LabsFileError("%s: %s must be a %s" % (where, name, kind.__name__))
    if entry["number"] != index:
        raise LabsFileError("%s: number is %d; labs are numbered 1, 2, 3, ... in order"
                            % (where, entry["number"]))
    if not all(isinstance(name, str) for name in entry["exercises"]) or entry["points"] <= 0:
        raise LabsFileError("%s: exercises must be test names and points positive" % where)
    return Lab(entry["number"], entry["branch"], entry["title"], entry["handout"],
               tuple(entry["exercises"]), entry["points"])
