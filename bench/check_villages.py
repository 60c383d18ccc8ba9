#!/usr/bin/env python3
"""Miller-vs-rosterflag equivalence check for the village benchmark.

Usage: check_villages.py ROSTERFLAG VILLAGES.csv TEAM.csv [AS_OF ...]

For each as-of date (default 2025-12-31), runs
  ROSTERFLAG run rules/luojiang-red-yellow-blue.yaml --input villages=.. --input team=.. --as-of D
  mlr --icsv --ocsv put -q -s asof=D -f bench/villages.mlr VILLAGES TEAM
and compares, village by village: team_size, avg_age (2 decimals), secretary_age,
young, college_share (2 decimals), progress and level. Prints the mismatch count
per date (and the first few mismatches); exits 1 if any date has a mismatch or
the village sets differ. Outputs are kept in bench/data/check_villages_*.csv.
Also checks every age-related number against a plain Python computation
of the same measures, so a disagreement says which side is wrong.
"""

import csv
import datetime
import os
import subprocess
import sys
from collections import defaultdict
from decimal import Decimal, ROUND_HALF_UP

RULES = "rules/luojiang-red-yellow-blue.yaml"
FIELDS = ["team_size", "avg_age", "secretary_age", "young", "college_share", "progress", "level"]
TWO_DP = {"avg_age", "college_share"}
COLLEGE = {"小学": 0, "初中": 0, "高中": 0, "中专": 0, "职高": 0,
           "大专": 1, "专科": 1, "本科": 1, "硕士": 1, "研究生": 1, "博士": 1}
SECRETARY = {"书记", "党支部书记", "村党支部书记", "党总支书记", "村党总支书记",
             "村党组织书记", "书记兼主任", "党支部书记兼村委会主任", "书记、主任"}


def norm(field, s):
    s = (s or "").strip()
    if s == "" or field == "level":
        return s
    d = Decimal(s)
    if field in TWO_DP:
        return str(d.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    return format(d.normalize(), "f")


def load(path):
    with open(path, encoding="utf-8", newline="") as f:
        return {r["village"]: {k: norm(k, r.get(k)) for k in FIELDS} for r in csv.DictReader(f)}


def age(birth, asof):
    """Full years; a 29 Feb birthday is reached on 1 Mar in common years."""
    b = datetime.date.fromisoformat(birth)
    return asof.year - b.year - ((asof.month, asof.day) < (b.month, b.day))


def python_ref(vpath, tpath, asof):
    a = datetime.date.fromisoformat(asof)
    prog = {}
    with open(vpath, encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            prog[r["村名"]] = Decimal(r["中心工作进度"])
    n, tot, young, secs, cn, cd = (defaultdict(int) for _ in range(6))
    sec_age = {}
    with open(tpath, encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            v, g = r["村名"], age(r["出生日期"], a)
            n[v] += 1
            tot[v] += g
            young[v] += g < 35
            if r["职务"] in SECRETARY:
                secs[v] += 1
                sec_age[v] = g
            if r["学历"] in COLLEGE:
                cd[v] += 1
                cn[v] += COLLEGE[r["学历"]]
    out = {}
    q = Decimal("0.01")
    for v, p in prog.items():
        avg = Decimal(tot[v]) / n[v] if n[v] else None
        cs = Decimal(cn[v]) / cd[v] if cd[v] else None
        sa = sec_age[v] if secs[v] == 1 else None
        t = lambda x: x is not None
        if (p < 60) or (t(sa) and sa > 60) or (t(avg) and avg >= 55):
            lv = "red"
        elif p < 80 or (t(avg) and avg >= 50) or (t(cs) and cs < Decimal("0.3")) or young[v] == 0:
            lv = "yellow"
        elif p < 90 or (t(avg) and avg >= 45) or (t(cs) and cs < Decimal("0.5")):
            lv = "blue"
        else:
            lv = "none"
        out[v] = {"team_size": str(n[v]),
                  "avg_age": str(avg.quantize(q, rounding=ROUND_HALF_UP)) if t(avg) else "",
                  "secretary_age": str(sa) if t(sa) else "", "young": str(young[v]),
                  "college_share": str(cs.quantize(q, rounding=ROUND_HALF_UP)) if t(cs) else "",
                  "progress": str(p), "level": lv}
        out[v] = {k: norm(k, x) for k, x in out[v].items()}
    return out


def compare(a, b):
    bad = []
    for v in sorted(set(a) | set(b)):
        if v not in a or v not in b:
            bad.append((v, "village", v in a, v in b))
            continue
        for k in FIELDS:
            if a[v][k] != b[v][k]:
                bad.append((v, k, a[v][k], b[v][k]))
    return bad


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    rf, vpath, tpath = argv[:3]
    dates = argv[3:] or ["2025-12-31"]
    total = 0
    for d in dates:
        rf_out = "bench/data/check_villages_rf_%s.csv" % d
        mlr_out = "bench/data/check_villages_mlr_%s.csv" % d
        # A stale output from an earlier run must not stand in for this one.
        for old in (rf_out, mlr_out):
            if os.path.exists(old):
                os.remove(old)
        subprocess.run([rf, "run", RULES, "--input", "villages=" + vpath, "--input", "team=" + tpath,
                        "--as-of", d, "-o", rf_out, "-q"], check=True)
        with open(mlr_out, "w") as f:
            subprocess.run(["mlr", "--icsv", "--ocsv", "put", "-q", "-s", "asof=" + d,
                            "-f", "bench/villages.mlr", vpath, tpath], stdout=f, check=True)
        R, M, P = load(rf_out), load(mlr_out), python_ref(vpath, tpath, d)
        rm, mp, rp = compare(R, M), compare(M, P), compare(R, P)
        total += len(rm) + len(mp) + len(rp)
        levels = defaultdict(int)
        for r in R.values():
            levels[r["level"]] += 1
        print("as-of %s: %d villages (%s); mismatches rosterflag-vs-miller %d, "
              "miller-vs-python %d, rosterflag-vs-python %d"
              % (d, len(R), ", ".join("%s %d" % kv for kv in sorted(levels.items())),
                 len(rm), len(mp), len(rp)))
        for name, bad in (("rosterflag/miller", rm), ("miller/python", mp), ("rosterflag/python", rp)):
            for x in bad[:5]:
                print("  %s: %s %s: %r vs %r" % ((name,) + x))
    print("total mismatches: %d" % total)
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
