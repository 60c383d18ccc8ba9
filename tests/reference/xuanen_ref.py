#!/usr/bin/env python3
"""Independent reference for the Xuan'en twelve-point system (the scheme as the article and the pack document it).

    xuanen_ref.py --members samples/xuanen/members.csv --ledger samples/xuanen/ledger.csv --year 2025
    xuanen_ref.py --year-end samples/xuanen/year-end-2025.csv --year 2025

Prints `member_id,score,deducted,bonus,level` in roster order. `deducted` is the
uncapped sum of deduction points in the year (an F-event contributes its 12);
`bonus` is after the cap of 4. A roster may carry count columns (the year-end
sheet) and a ledger may be given too: the counts add up. Input errors (member not
on the roster, unknown code, bad date, bad count) go to stderr, exit status 1.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from refcommon import RowError, cell, find_col, parse_date, parse_int, read_table  # noqa: E402

START, BONUS_CAP, REMINDER_AT = 12, 4, 6
# code: (zh name, points, all_points)
DEDUCTIONS = {
    "D01": ("未按规定到社区报到", 2), "D02": ("无故不参加社区党组织活动", 1),
    "D03": ("未认领服务岗位或认领后不履职", 2), "D04": ("志愿服务未达规定次数", 2),
    "D05": ("未按时足额交纳党费", 2), "D06": ("无故不参加“三会一课”", 1),
    "D07": ("急难任务召集不响应", 3), "D08": ("对群众诉求推诿敷衍", 2),
    "D09": ("散布不当言论", 3), "D10": ("违反社区公约影响邻里和谐", 2),
    "D11": ("群众实名投诉经核实", 3), "D12": ("认领“微心愿”未兑现", 1),
    "D13": ("拒不亮身份承诺", 1),
    "F01": ("受到刑事处罚或行政拘留", 12), "F02": ("急难险重任务中临阵脱逃造成恶劣影响", 12),
}
ALL_POINTS = {"F01", "F02"}
BONUSES = {"B01": ("急难险重任务冲锋在前", 2), "B02": ("受到县级以上表彰", 2), "B03": ("化解矛盾纠纷", 1)}
ITEMS = {**DEDUCTIONS, **BONUSES}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--members", help="member roster (may carry count columns)")
    ap.add_argument("--year-end", help="year-end sheet (a roster with count columns)")
    ap.add_argument("--ledger", help="event ledger")
    ap.add_argument("--year", type=int, required=True)
    a = ap.parse_args()
    roster = a.members or a.year_end
    if not roster or (a.members and a.year_end):
        ap.error("give exactly one of --members or --year-end")

    errors = 0

    def err(path, line, msg):
        nonlocal errors
        errors += 1
        print(f"{path}:{line}: error: {msg}", file=sys.stderr)

    header, rows = read_table(roster)
    c_id = find_col(header, ["编号", "党员编号", "member_id"], True, roster)
    count_cols = {}
    for code, (zh, _) in ITEMS.items():
        i = find_col(header, [code, zh])
        if i is not None:
            count_cols[code] = i
    order, counts = [], {}
    for line, row in rows:
        mid = cell(row, c_id)
        if not mid:
            err(roster, line, "empty member id")
            continue
        if mid in counts:
            err(roster, line, f"duplicate member id {mid}")
            continue
        n = {}
        try:
            for code, i in count_cols.items():
                v = cell(row, i)
                k = parse_int(v) if v else 0
                if k < 0:
                    raise RowError(f"negative count {k} for {code}")
                n[code] = k
        except RowError as e:
            err(roster, line, str(e))
            continue
        order.append(mid)
        counts[mid] = {c: n.get(c, 0) for c in ITEMS}

    outside = 0
    if a.ledger:
        lh, lrows = read_table(a.ledger)
        l_id = find_col(lh, ["编号", "党员编号", "member_id"], True, a.ledger)
        l_date = find_col(lh, ["日期", "发生日期", "date"], True, a.ledger)
        l_code = find_col(lh, ["代码", "行为代码", "code"], True, a.ledger)
        for line, row in lrows:
            mid, ds, code = cell(row, l_id), cell(row, l_date), cell(row, l_code)
            try:
                if not mid or not ds or not code:
                    raise RowError("empty required cell")
                d = parse_date(ds)
                if mid not in counts:
                    raise RowError(f"member {mid} is not on the roster")
                if code not in ITEMS:
                    raise RowError(f"unknown code {code!r}")
            except RowError as e:
                err(a.ledger, line, str(e))
                continue
            if d.year != a.year:
                outside += 1
                continue
            counts[mid][code] += 1

    print("member_id,score,deducted,bonus,level")
    for mid in order:
        n = counts[mid]
        deducted = sum(n[c] * p for c, (_, p) in DEDUCTIONS.items())
        bonus = min(sum(n[c] * p for c, (_, p) in BONUSES.items()), BONUS_CAP)
        if any(n[c] for c in ALL_POINTS):
            score = 0
        else:
            score = max(0, min(START, START - deducted + bonus))
        level = "unqualified" if score == 0 else "reminder_talk" if score <= REMINDER_AT else "none"
        print(f"{mid},{score},{deducted},{bonus},{level}")
    if a.ledger:
        print(f"# ledger rows outside {a.year}: {outside}", file=sys.stderr)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
