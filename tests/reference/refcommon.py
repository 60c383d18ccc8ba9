"""Shared CSV/date helpers for the reference calculators (stdlib only).

These follow the schemes as the source articles state them and docs/rule-language.md (cell conversion),
never the YAML packs, so that they cross-check the engine independently.
"""
import csv
import datetime as dt
import re
import sys

FULLWIDTH = str.maketrans("０１２３４５６７８９－＋．", "0123456789-+.")


class RowError(Exception):
    pass


def read_table(path):
    """Return (header, rows) where rows are (line_number, [cells])."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        r = csv.reader(f)
        header = next(r)
        rows = []
        for row in r:
            if not any(c.strip() for c in row):
                continue
            rows.append((r.line_num, row))
    return [h.strip() for h in header], rows


def find_col(header, names, required=False, what=""):
    for n in names:  # exact after trimming
        if n in header:
            return header.index(n)
    low = [h.lower() for h in header]
    for n in names:  # then ASCII case-insensitive
        if n.lower() in low:
            return low.index(n.lower())
    if required:
        sys.exit(f"error: {what}: no column {names[0]!r} (tried {', '.join(names)})")
    return None


def cell(row, idx):
    if idx is None or idx >= len(row):
        return ""
    return row[idx].strip()


def parse_date(s):
    s = s.strip()
    for pat in (r"(\d{4})-(\d{1,2})-(\d{1,2})", r"(\d{4})/(\d{1,2})/(\d{1,2})",
                r"(\d{4})\.(\d{1,2})\.(\d{1,2})", r"(\d{4})年(\d{1,2})月(\d{1,2})日",
                r"(\d{4})(\d{2})(\d{2})"):
        m = re.fullmatch(pat, s)
        if m:
            try:
                return dt.date(*map(int, m.groups()))
            except ValueError:
                raise RowError(f"impossible date {s!r}")
    raise RowError(f"not a date: {s!r}")


def parse_int(s):
    t = s.strip().translate(FULLWIDTH)
    if not re.fullmatch(r"[+-]?\d+", t):
        raise RowError(f"not an integer: {s!r}")
    return int(t)


def parse_dec(s):
    t = s.strip().translate(FULLWIDTH)
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", t):
        raise RowError(f"not a decimal: {s!r}")
    return float(t)


def age(birth, on):
    """Full years; a 29 February birthday is reached on 1 March in common years."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
