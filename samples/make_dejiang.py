#!/usr/bin/env python3
"""Generate the Dejiang member roster (deterministic; Python 3 stdlib only).

    python3 samples/make_dejiang.py   # rewrites samples/dejiang/members.csv and
                                      # its copy for the tutorial, docs/tutorial/members.csv

Dejiang (德江县, 30人以上党支部划分党小组): one Party member a row,
党员编号,姓名,所在支部,所在党小组. Branches are not listed anywhere else: each
所在支部 written on the roster is a branch. Rows are in member-number order,
so the branches are interleaved, as a county-wide export has them.

Designed branches (size, groups as written, expected level):
  共和村党支部            30, none                    must_divide (30 counts: 以上 includes 30)
  青龙街道红旗社区党支部  29, none                    no level (under 30)
  玉水街道党总支          40, 14 + 13 + 13            no level (smallest group 13)
  煎茶镇机关党支部        33, 12 + 18, 3 in no group  members_unassigned
  合兴村党支部            30, 15 + 15                 no level
  潮砥镇机关党支部        12, 9, 3 in no group        no level (under 30)
  共和村支部               1, none                    no level: a misspelt 共和村党支部,
                                                      which shows as a branch of its own
and one member whose 所在支部 is empty: rejected, with its line.
"""

import csv
import os
import random

SEED = 20240318
HERE = os.path.dirname(os.path.abspath(__file__))

SURNAMES = list("安冉田张杨王李刘陈黄吴周何龙谢罗胡郭马任邓向孙林")
GIVEN = ["平", "丽", "霞", "国", "伟", "涛", "英", "梅", "杰", "海", "峰", "春", "明", "兰", "勇",
         "静", "强", "云", "华", "林", "秋", "志", "刚", "军", "兴", "永", "德", "红"]

PLAN = [
    ("共和村党支部", [("", 30)]),
    ("青龙街道红旗社区党支部", [("", 29)]),
    ("玉水街道党总支", [("第一党小组", 14), ("第二党小组", 13), ("第三党小组", 13)]),
    ("煎茶镇机关党支部", [("第一党小组", 12), ("第二党小组", 18), ("", 3)]),
    ("合兴村党支部", [("第一党小组", 15), ("第二党小组", 15)]),
    ("潮砥镇机关党支部", [("党小组", 9), ("", 3)]),
    ("共和村支部", [("", 1)]),
    ("", [("", 1)]),
]


def name(rng, used):
    while True:
        n = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
        if n not in used:
            used.add(n)
            return n


def main():
    rng = random.Random(SEED)
    slots = [(branch, group) for branch, groups in PLAN for group, n in groups for _ in range(n)]
    # The first row stays 共和村党支部 so that the results open with the
    # boundary case; the rest are shuffled (a county-wide export).
    head, rest = slots[0], slots[1:]
    rng.shuffle(rest)
    used = set()
    rows = [[f"DJ{i:04d}", name(rng, used), branch, group]
            for i, (branch, group) in enumerate([head] + rest, 1)]
    for path in (os.path.join(HERE, "dejiang", "members.csv"),
                 os.path.join(HERE, "..", "docs", "tutorial", "members.csv")):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["党员编号", "姓名", "所在支部", "所在党小组"])
            w.writerows(rows)


if __name__ == "__main__":
    main()
