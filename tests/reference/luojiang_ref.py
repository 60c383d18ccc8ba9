#!/usr/bin/env python3
"""Independent reference for the Luojiang red-yellow-blue warnings (the scheme as the pack documents it).

    luojiang_ref.py --villages samples/luojiang/villages.csv --team samples/luojiang/team.csv --as-of 2025-12-31

Prints `village,team_size,avg_age,secretary_age,young,college_share,progress,level,reasons-count`
in village-sheet order. avg_age has 2 decimals and college_share 4 (compare
numerically); a missing value is an empty cell. reasons-count counts the
conditions that HELD at every level; conditions that could not be decided
(a missing value) are not counted, they are listed on stderr with --verbose.
Input errors go to stderr and give exit status 1.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from refcommon import RowError, age, cell, find_col, parse_date, parse_dec, read_table  # noqa: E402

EDUCATION = {"小学": 0, "初中": 1, "高中": 2, "中专": 2, "职高": 2, "技校": 2, "中等专科": 2,
             "大专": 3, "专科": 3, "大学专科": 3, "全日制大专": 3, "全日制专科": 3, "在职大专": 3,
             "在职专科": 3, "本科": 4, "大学本科": 4, "大学": 4, "全日制本科": 4, "在职本科": 4,
             "硕士": 5, "研究生": 5, "硕士研究生": 5, "全日制研究生": 5, "在职研究生": 5,
             "博士": 6, "博士研究生": 6}
COLLEGE = EDUCATION["大专"]


def is_secretary(role):
    """However the office writes the post (党支部书记、村委会主任, 书记兼主任), a
    post naming 书记 and not 副书记 is the Party secretary's."""
    return "书记" in role and "副书记" not in role
# (level, [(measure, op, threshold)]), most severe first
LEVELS = [
    ("red", [("progress", "<", 60), ("secretary_age", ">", 60), ("avg_age", ">=", 55)]),
    ("yellow", [("progress", "<", 80), ("avg_age", ">=", 50), ("college_share", "<", 0.30), ("young", "=", 0)]),
    ("blue", [("progress", "<", 90), ("avg_age", ">=", 45), ("college_share", "<", 0.50)]),
]
OPS = {"<": lambda a, b: a < b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b, "=": lambda a, b: a == b}


def num(x, digits=None):
    if x is None:
        return ""
    if digits is not None:
        return f"{x:.{digits}f}"
    return str(int(x)) if float(x).is_integer() else repr(x)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--villages", required=True)
    ap.add_argument("--team", required=True)
    ap.add_argument("--as-of", default="2025-12-31")
    ap.add_argument("--verbose", action="store_true", help="list every reason on stderr")
    a = ap.parse_args()
    as_of = parse_date(a.as_of)
    errors = 0

    def err(path, line, msg):
        nonlocal errors
        errors += 1
        print(f"{path}:{line}: error: {msg}", file=sys.stderr)

    vh, vrows = read_table(a.villages)
    v_name = find_col(vh, ["村名", "村", "village"], True, a.villages)
    v_prog = find_col(vh, ["中心工作进度", "中心工作推进", "progress"], False)
    order, progress, team = [], {}, {}
    for line, row in vrows:
        v, p = cell(row, v_name), cell(row, v_prog)
        try:
            if not v:
                raise RowError("empty village name")
            if v in progress:
                raise RowError(f"duplicate village {v}")
            pv = parse_dec(p) if p else None
            if pv is not None and not 0 <= pv <= 100:
                raise RowError(f"progress {p} outside [0, 100]")
        except RowError as e:
            err(a.villages, line, str(e))
            continue
        order.append(v)
        progress[v] = pv
        team[v] = []

    th, trows = read_table(a.team)
    t_v = find_col(th, ["村名", "村", "village"], True, a.team)
    t_name = find_col(th, ["姓名"], True, a.team)
    t_role = find_col(th, ["职务", "role"], False)
    t_birth = find_col(th, ["出生日期"], True, a.team)
    t_edu = find_col(th, ["学历", "education"], False)
    for line, row in trows:
        v, name, role = cell(row, t_v), cell(row, t_name), cell(row, t_role)
        b, e = cell(row, t_birth), cell(row, t_edu)
        try:
            if not v or not name or not b:
                raise RowError("empty required cell")
            bd = parse_date(b)
            if e and e not in EDUCATION:
                raise RowError(f"unknown education label {e!r}")
            if v not in team:
                raise RowError(f"village {v} is not on the village sheet")
        except RowError as ex:
            err(a.team, line, str(ex))
            continue
        team[v].append((role, age(bd, as_of), EDUCATION[e] if e else None))

    print("village,team_size,avg_age,secretary_age,young,college_share,progress,level,reasons-count")
    for v in order:
        rows = team[v]
        ages = [r[1] for r in rows]
        sec = [r[1] for r in rows if is_secretary(r[0])]
        edu = [r[2] for r in rows if r[2] is not None]
        m = {
            "team_size": len(rows),
            "avg_age": sum(ages) / len(ages) if ages else None,
            "secretary_age": sec[0] if len(sec) == 1 else None,
            "young": sum(x < 35 for x in ages),
            "college_share": sum(x >= COLLEGE for x in edu) / len(edu) if edu else None,
            "progress": progress[v],
        }
        level, held, unknown = "none", [], []
        for lid, conds in LEVELS:
            hit = False
            for meas, op, t in conds:
                val = m[meas]
                if val is None:
                    unknown.append(f"{lid}: {meas} {op} {t} (missing)")
                elif OPS[op](val, t):
                    held.append(f"{lid}: {meas} {num(val, 4) if isinstance(val, float) else val} {op} {t}")
                    hit = True
            if hit and level == "none":
                level = lid
        if a.verbose:
            print(f"{v}: {level}: " + "; ".join(held + ["not evaluated: " + u for u in unknown]), file=sys.stderr)
        print(",".join([v, str(m["team_size"]), num(m["avg_age"], 2), num(m["secretary_age"]), str(m["young"]),
                        num(m["college_share"], 4), num(m["progress"]), level, str(len(held))]))
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
