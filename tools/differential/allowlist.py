"""Known, documented differences (allowlist.txt): reported apart from new ones.

One entry per line:   KIND  OP  [PATTERN]  |  reason
KIND is a difference kind (value, dtype, exc-type, missing-error, ...) or *, OP a schema base name,
a targeted check name, or a glob; PATTERN (optional, no spaces) must occur in the call's description
or in the difference's text. Lines starting with # are comments.
"""
from __future__ import annotations

import fnmatch

from report import describe


class Allowlist:
    def __init__(self, path):
        self.rules = []
        if not path.exists():
            return
        for line in path.read_text().splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            head, _, reason = line.partition("|")
            parts = head.split()
            if len(parts) < 2:
                continue
            self.rules.append((parts[0], parts[1], parts[2] if len(parts) > 2 else None, reason.strip()))

    def match(self, kind, case, detail):
        op = case.get("schema_op", case["op"])
        text = describe(case) + " " + detail
        for k, o, pat, reason in self.rules:
            if (k == "*" or k == kind) and fnmatch.fnmatch(op, o) and (pat is None or pat in text):
                return reason or "known"
        return None
