#!/usr/bin/env python3
"""Runs the Library of Congress bagit-python validator (bagit.py beside this file, unmodified) on one bag.

    python3 test/tools/bagit-python/validate.py <bag folder>

Exit 0 and "<bag> is valid" on stderr when the bag is valid (RFC 8493, every manifest and checksum); exit 1 with
the reason otherwise. Always validates: bagit.py run without --validate would turn the folder INTO a bag.

bagit.py reads its own version from the installed package metadata (importlib.metadata), which a copy that is not
pip-installed does not have; this shim answers that one question and changes nothing else.
"""
import importlib.metadata
import os
import sys

_real_version = importlib.metadata.version


def _version(name):
    return "1.9.0" if name == "bagit" else _real_version(name)


importlib.metadata.version = _version
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bagit  # noqa: E402

if len(sys.argv) != 2 or sys.argv[1].startswith("-"):
    sys.stderr.write("usage: validate.py <bag folder>\n")
    sys.exit(2)
sys.argv = ["bagit.py", "--validate", sys.argv[1]]
bagit.main()
