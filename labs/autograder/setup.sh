#!/usr/bin/env bash
# setup.sh: Gradescope runs this once, as root, when it builds the
# autograder's image from the bundle unpacked in /autograder/source
# (DESIGN §6, handouts/instructors.md).  It installs the Debian packages
# of tools/install-deps and checks that the harness's Python can run.
set -euo pipefail
cd "$(dirname "$0")"
tools/install-deps
/usr/bin/python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
  echo "exolab: the harness needs Python 3.11 or newer (tomllib); choose Gradescope's Ubuntu 24.04 base image" >&2
  exit 1
}
