#!/usr/bin/env python3
"""Check that the bundled samples still hit every designed case; prints a coverage summary.

    python3 tests/reference/check_samples.py     # from the repository root; exit 1 if a case is missed

Runs the two reference calculators on samples/ and inspects the raw files.
"""
import collections
import csv
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REF = os.path.join(ROOT, "tests", "reference")
S = os.path.join(ROOT, "samples")
ok = True


def run(*args):
    out = subprocess.run([sys.executable, *args], check=True, capture_output=True, text=True, cwd=ROOT).stdout
    return list(csv.DictReader(out.splitlines()))


def rows(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def case(name, hit):
    global ok
    ok &= bool(hit)
    print(f"  [{'x' if hit else ' '}] {name}" + ("" if hit else "   <-- MISSED"))


# ---------------------------------------------------------------- Xuan'en
members = rows(os.path.join(S, "xuanen", "members.csv"))
ledger = rows(os.path.join(S, "xuanen", "ledger.csv"))
res = run(os.path.join(REF, "xuanen_ref.py"), "--members", "samples/xuanen/members.csv",
          "--ledger", "samples/xuanen/ledger.csv", "--year", "2025")
res_ye = run(os.path.join(REF, "xuanen_ref.py"), "--year-end", "samples/xuanen/year-end-2025.csv", "--year", "2025")
by = {r["member_id"]: r for r in res}
ev = collections.defaultdict(list)  # member -> [(year, code)]
for r in ledger:
    ev[r["编号"]].append((int(re.match(r"\d{4}", r["日期"]).group()), r["代码"]))
ev25 = {m: [c for y, c in v if y == 2025] for m, v in ev.items()}
print(f"Xuan'en: {len(members)} members, {len(ledger)} ledger rows "
      f"({sum(1 for r in ledger if r['日期'].startswith('2025'))} dated 2025)")
print("  levels:", dict(collections.Counter(r["level"] for r in res)))
case(">= 64 members", len(members) >= 64)
case("150-250 ledger rows", 150 <= len(ledger) <= 250)
case("year-end sheet gives the same results as the ledger", res == res_ye)
case("many members with no events (>= 10)", sum(1 for m in members if m["编号"] not in ev) >= 10)
case("dates in 2025-03-05, 2025/3/5 and 2025年3月5日 styles",
     all(any(re.fullmatch(p, r["日期"]) for r in ledger)
         for p in (r"\d{4}-\d\d-\d\d", r"\d{4}/\d{1,2}/\d{1,2}", r"\d{4}年\d{1,2}月\d{1,2}日")))
case("member at exactly 6 (reminder_talk)", any(r["score"] == "6" and r["level"] == "reminder_talk" for r in res))
case("member at exactly 7 (none)", any(r["score"] == "7" and r["level"] == "none" for r in res))
case("F01 in the year with bonuses: score 0",
     any("F01" in ev25.get(m, []) and any(c.startswith("B") for c in ev25[m]) and by[m]["score"] == "0" for m in by))
case("F02 in the year: score 0", any("F02" in ev25.get(m, []) and by[m]["score"] == "0" for m in by))
case("deductions past 12 without F: score 0",
     any(int(r["deducted"]) > 12 and not any(c.startswith("F") for c in ev25.get(r["member_id"], []))
         and r["score"] == "0" for r in res))
case("deductions exactly 12 without F: score 0",
     any(r["deducted"] == "12" and not any(c.startswith("F") for c in ev25.get(r["member_id"], []))
         and r["score"] == "0" for r in res))
case("bonus over the cap (raw > 4) with deductions",
     any(sum({"B01": 2, "B02": 2, "B03": 1}.get(c, 0) for c in ev25.get(m, [])) > 4 and int(by[m]["deducted"]) > 0
         for m in by))
case("bonus would push above 12: capped at 12",
     any(r["score"] == "12" and 12 - int(r["deducted"]) + int(r["bonus"]) > 12 for r in res))
case("2024 F02 for a member clean in 2025 (12)",
     any((2024, "F02") in ev[m] and not ev25.get(m) and by[m]["score"] == "12" for m in ev))
case("events outside the year (2024 and 2026) present",
     any(y == 2024 for v in ev.values() for y, _ in v) and any(y == 2026 for v in ev.values() for y, _ in v))
case("a bonus keeps a member out of the talk (score 7 with 6 deducted)",
     any(r["score"] == "7" and r["deducted"] == "6" for r in res))

# ---------------------------------------------------------------- Luojiang
vil = rows(os.path.join(S, "luojiang", "villages.csv"))
team = rows(os.path.join(S, "luojiang", "team.csv"))
lres = run(os.path.join(REF, "luojiang_ref.py"), "--villages", "samples/luojiang/villages.csv",
           "--team", "samples/luojiang/team.csv", "--as-of", "2025-12-31")
lv = collections.Counter(r["level"] for r in lres)
per = collections.Counter(r["村名"] for r in team)
print(f"\nLuojiang: {len(vil)} villages, {len(team)} team members")
print("  levels:", dict(lv))
case("62 villages, unique names", len(vil) == 62 and len({r['村名'] for r in vil}) == 62)
case("4-7 members per village", all(4 <= per[r["村名"]] <= 7 for r in vil))
case(">= 5 villages of each of red, yellow, blue, none", all(lv[k] >= 5 for k in ("red", "yellow", "blue", "none")))
case("31 villages with a warning", lv["red"] + lv["yellow"] + lv["blue"] == 31)
case("a village without a secretary row (secretary_age empty)", any(r["secretary_age"] == "" for r in lres))
case("a member born 1968-02-29", any(r["出生日期"] == "1968-02-29" for r in team))
case("education aliases 中专, 职高, 专科, 研究生 used", {"中专", "职高", "专科", "研究生"} <= {r["学历"] for r in team})
case("书记兼主任 and 党支部书记 used", {"书记兼主任", "党支部书记"} <= {r["职务"] for r in team})
case("an empty 学历 cell", any(r["学历"] == "" for r in team))
case("boundary: avg_age exactly 55 / 50 / 45",
     all(any(r["avg_age"] == a for r in lres) for a in ("55.00", "50.00", "45.00")))
case("boundary: progress exactly 60 / 80 / 90", all(any(r["progress"] == p for r in lres) for p in ("60", "80", "90")))
case("boundary: secretary 60 (not red) and 61 (red)",
     any(r["secretary_age"] == "60" for r in lres) and any(r["secretary_age"] == "61" and r["level"] == "red" for r in lres))
case("boundary: college_share exactly 0.5", any(r["college_share"] == "0.5000" for r in lres))
case("young = 0 as the only reason (yellow)", any(r["young"] == "0" and r["reasons-count"] == "1" for r in lres))
sys.exit(0 if ok else 1)
