#!/usr/bin/env python3
"""Check that bench/score.mlr (Miller) scores exactly like a plain Python
implementation of the Xuan'en twelve-point rules.

Usage: check_small.py [FILE ...]

With no FILE, generates bench/data/yearend_2000.csv (2,000 rows, default seed)
with bench/gen_yearend.py. Every run also checks a hand-written edge-case file
(bench/data/edge_cases.csv: boundaries, clamps, bonus cap, F rows, empty
cells, quoted ids).

Both sides produce the same columns: id,score,deducted,bonus,level.
Exit status 0 only if every row of every file matches.
Python 3 standard library only; needs `mlr` on PATH.
"""

import csv
import io
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DATA = os.path.join(HERE, "data")
MLR_SCRIPT = os.path.join(HERE, "score.mlr")
# Keep in sync with CMD_MLR in bench/run.sh: the checked command is the timed one.
MLR_CMD = ["mlr", "--icsv", "--ocsv", "fill-empty", "-v", "0", "then",
           "put", "-f", MLR_SCRIPT]

DED_POINTS = {
    "D01": 2, "D02": 1, "D03": 2, "D04": 2, "D05": 2, "D06": 1, "D07": 3,
    "D08": 2, "D09": 3, "D10": 2, "D11": 3, "D12": 1, "D13": 1,
}
F_CODES = ("F01", "F02")
BONUS_POINTS = {"B01": 2, "B02": 2, "B03": 1}
BONUS_CAP = 4
FULL = 12
OUT_COLS = ["id", "score", "deducted", "bonus", "level"]
HEADER = (["编号", "姓名", "所在支部"] + list(DED_POINTS) + list(F_CODES)
          + list(BONUS_POINTS))


def count(row, code):
    v = row[code].strip()
    return int(v) if v else 0


def score_row(row):
    ded = sum(count(row, c) * p for c, p in DED_POINTS.items())
    f = sum(count(row, c) for c in F_CODES)
    ded += FULL * f
    bonus = min(sum(count(row, c) * p for c, p in BONUS_POINTS.items()), BONUS_CAP)
    if f > 0:
        score = 0
    else:
        score = max(0, min(FULL, FULL - ded + bonus))
    if score == 0:
        level = "unqualified"
    elif score <= 6:
        level = "reminder_talk"
    else:
        level = "none"
    return [row["编号"], str(score), str(ded), str(bonus), level]


def python_scores(path):
    with open(path, encoding="utf-8", newline="") as f:
        return [score_row(r) for r in csv.DictReader(f)]


def miller_scores(path):
    out = subprocess.run(
        MLR_CMD + [path],
        check=True, capture_output=True).stdout.decode("utf-8")
    rows = list(csv.reader(io.StringIO(out, newline="")))
    return rows[0], rows[1:]


# (id, {code: cell}) ; every unlisted count cell is "0" unless empty=True
EDGE = [
    ("E01-all-empty", {}, True),
    ("E02-all-zero", {}, False),
    ("E03-F01-with-bonus", {"F01": "1", "B01": "2", "B03": "1"}, False),
    ("E04-F02-twice", {"F02": "2"}, False),
    ("E05-F-empty-others", {"F01": "1"}, True),
    ("E06-score-6-boundary", {"D07": "2"}, False),
    ("E07-score-7", {"D07": "2", "B03": "1"}, False),
    ("E08-clamp-low", {"D07": "4", "D11": "1"}, False),
    ("E09-clamp-high", {"B01": "2", "B02": "1", "B03": "1"}, False),
    ("E10-bonus-cap-exact", {"D01": "3", "B01": "1", "B02": "1", "B03": "3"}, False),
    ("E11-ded-12-no-bonus", {"D09": "4"}, False),
    ("E12-ded-12-bonus-1", {"D09": "4", "B03": "1"}, True),
    ("E13-ded-14-bonus-4", {"D11": "4", "D13": "2", "B01": "2"}, False),
    ("E14-every-D-once", {c: "1" for c in DED_POINTS}, False),
    ("E15-big-count", {"D01": "100"}, False),
    ("E16,quoted-id", {"D02": "1"}, False),
    ("E17-score-1", {"D05": "5", "D13": "1"}, False),
]


def write_edge(path):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(HEADER)
        for mid, cells, empty in EDGE:
            row = [mid, "测试", "机关第一党支部"]
            for c in HEADER[3:]:
                row.append(cells.get(c, "" if empty else "0"))
            w.writerow(row)


def check(path):
    header, mrows = miller_scores(path)
    prows = python_scores(path)
    ok = True
    if header != OUT_COLS:
        print("  header mismatch: miller %r, expected %r" % (header, OUT_COLS))
        ok = False
    if len(mrows) != len(prows):
        print("  row count mismatch: miller %d, python %d" % (len(mrows), len(prows)))
        ok = False
    bad = 0
    for i, (m, p) in enumerate(zip(mrows, prows)):
        if m != p:
            bad += 1
            if bad <= 10:
                print("  row %d differs: miller %r python %r" % (i + 1, m, p))
    rf = os.environ.get("ROSTERFLAG")
    if rf and os.access(rf, os.X_OK):
        # The engine must score the same file the same way: same five columns.
        out = subprocess.run([rf, "run", os.path.join(ROOT, "rules", "xuanen-twelve-point.yaml"),
                              "--input", "members=" + path, "--year", "2025", "-q"],
                             check=True, capture_output=True, text=True).stdout
        rrows = [[r["member_id"], r["score"], r["deducted"], r["bonus"], r["level"]]
                 for r in csv.DictReader(io.StringIO(out))]
        rbad = sum(1 for r, q in zip(rrows, prows) if r != q) + abs(len(rrows) - len(prows))
        for r, q in [(r, q) for r, q in zip(rrows, prows) if r != q][:10]:
            print("  differs: rosterflag %r python %r" % (r, q))
        print("%s: rosterflag vs python: %d rows, %d mismatches"
              % (os.path.relpath(path, ROOT), len(rrows), rbad))
        bad += rbad
    levels = {}
    for p in prows:
        levels[p[4]] = levels.get(p[4], 0) + 1
    capped = sum(1 for p in prows if p[3] == str(BONUS_CAP))
    print("%s: %d rows, %d mismatches; levels %s; bonus at cap %d"
          % (os.path.relpath(path, ROOT), len(prows), bad,
             ", ".join("%s=%d" % kv for kv in sorted(levels.items())), capped))
    return ok and bad == 0


def main(argv):
    os.makedirs(DATA, exist_ok=True)
    files = list(argv)
    if not files:
        small = os.path.join(DATA, "yearend_2000.csv")
        subprocess.run([sys.executable, os.path.join(HERE, "gen_yearend.py"),
                        "2000", small], check=True)
        files = [small]
    edge = os.path.join(DATA, "edge_cases.csv")
    write_edge(edge)
    files.append(edge)
    ok = all([check(p) for p in files])
    print("check_small: %s" % ("PASS (Miller%s == Python on every row)"
                               % (" and rosterflag" if os.environ.get("ROSTERFLAG") else "")
                               if ok else "FAIL"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
