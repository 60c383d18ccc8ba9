"""Reads a workbook written by `run --format xlsx` back with openpyxl and checks
it against the CSV results and rejects of the same run and against the pack:

  xlsx-check.py BOOK.xlsx RESULTS.csv REJECTS.csv PACK.yaml [GROUP_COLUMN]

- numbers are numbers and dates are dates (a CSV column of numbers is a
  column of numeric cells, YYYY-MM-DD a date), every other cell the CSV's text;
- each result's level cell carries the colour the pack gives its level (no
  fill when the pack gives none for "no level"); the flags are booleans, the
  reasons and detail the CSV's text;
- the results sheet has the CSV's columns less two: the level's id (its label
  is shown) and the pack column, the same on every row, which the rules sheet
  holds once (规则包标记) instead of in every row;
- the summary's counts, overall and per group, equal the CSV results' counts;
- no cell anywhere is a formula (a name such as =HYPERLINK(...) is a string);
- the rejects sheet holds the rejects report's rows; the rules sheet names
  the pack, its version and the CSV's pack column.
Prints what it checked; exits 1 on the first difference."""
import collections
import csv
import datetime
import re
import sys

import openpyxl

book, results, rejects, pack = sys.argv[1:5]
group = sys.argv[5] if len(sys.argv) > 5 else None
NUM = re.compile(r"^-?\d+(\.\d+)?$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def inert(v):
    """The text a CSV cell was written from (the writer puts ' before = + - @)."""
    return v[1:] if len(v) > 1 and v[0] == "'" and v[1] in "=+-@\t\r" else v


def read_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], [[inert(v) for v in r] for r in rows[1:]]


# The pack's colours, by level label: the label line, then its color line.
colors, label = {}, None
for line in open(pack, encoding="utf-8"):
    m = re.search(r"label: \{zh: ([^,}]+)", line)
    if m:
        label = m.group(1).strip()
    m = re.search(r'color: "#([0-9A-Fa-f]{6})"', line)
    if m and label:
        colors[label] = "FF" + m.group(1).upper()

head, rows = read_csv(results)
wb = openpyxl.load_workbook(book)
for ws in wb:
    for row in ws.iter_rows():
        for c in row:
            if c.data_type == "f":
                fail("%s!%s is a formula: %r" % (ws.title, c.coordinate, c.value))
ws = wb["结果"]
xrows = list(ws.iter_rows(min_row=2))
if len(xrows) != len(rows):
    fail("%d result rows in the workbook, %d in the CSV" % (len(xrows), len(rows)))
if ws.freeze_panes != "A2" or not ws.auto_filter.ref:
    fail("the results header is not frozen and filterable")
nouts = head.index("level") if "level" in head else head.index("reasons")
numbers = dates = 0
numeric_cols = [
    i for i in range(nouts)
    if any(r[i] for r in rows) and all(NUM.match(r[i]) for r in rows if r[i])
]
for r, x in zip(rows, xrows):
    for i in range(nouts):
        v, cell = r[i], x[i].value
        if not v:
            if cell not in (None, ""):
                fail("%s: empty in the CSV, %r in the workbook" % (x[i].coordinate, cell))
        elif i in numeric_cols:
            if not isinstance(cell, (int, float)) or abs(cell - float(v)) > 1e-9:
                fail("%s: %r is not the number %s" % (x[i].coordinate, cell, v))
            numbers += 1
        elif DATE.match(v) and isinstance(cell, datetime.datetime):
            if cell.strftime("%Y-%m-%d") != v:
                fail("%s: date %s, CSV %s" % (x[i].coordinate, cell, v))
            dates += 1
        elif cell != v:
            fail("%s: %r, CSV %r" % (x[i].coordinate, cell, v))
coloured = 0
if "level_label" in head:
    li = head.index("level_label")
    for r, x in zip(rows, xrows):
        cell = x[nouts]
        if cell.value != r[li]:
            fail("%s: level %r, CSV %r" % (cell.coordinate, cell.value, r[li]))
        want = colors.get(r[li])
        got = cell.fill.fgColor.rgb if cell.fill.fill_type == "solid" else None
        if want and got != want:
            fail("%s: level %s filled %s, the pack says %s" % (cell.coordinate, r[li], got, want))
        coloured += got is not None
# summary
sm = wb["汇总"]
srows = [[c.value for c in row] for row in sm.iter_rows()]
top = next(i for i, r in enumerate(srows) if "合计" in r)
cols = [c for c in srows[top][1:] if c is not None]
want = collections.OrderedDict()
want["全部"] = collections.Counter()
for r in rows:
    keys = ["全部"] + ([r[head.index(group)]] if group else [])
    for k in keys:
        c = want.setdefault(k, collections.Counter())
        c["合计"] += 1
        if "level_label" in head:
            c[r[head.index("level_label")]] += 1
        for i, h in enumerate(head):
            if r[i] == "true":
                c["flag:" + h] += 1
got = collections.OrderedDict()
for r in srows[top + 1:]:
    if r[0] is None:
        break
    got[r[0]] = r[1:1 + len(cols)]
if list(got) != list(want):
    fail("summary groups %s, the CSV's %s" % (list(got)[:5], list(want)[:5]))
# flags: their labels head the results sheet between the level and the
# reasons, their ids the CSV, in the same order
xhead = [c.value for c in next(ws.iter_rows(max_row=1))]
flag_ids = head[head.index("level_label") + 1 if "level_label" in head else nouts:head.index("reasons")]
first = nouts + (1 if "level_label" in head else 0)
flag_of = dict(zip(xhead[first:first + len(flag_ids)], flag_ids))
for g, counts in got.items():
    for name, n in zip(cols, counts):
        key = "flag:" + flag_of[name] if name in flag_of else name
        if n != want[g][key]:
            fail("summary %s / %s: %s, the CSV has %d" % (g, name, n, want[g][key]))
charts = len(sm._charts)
# the columns after the level: flags (booleans), reasons, detail; no pack
ri = head.index("reasons")
tail = [h for h in head[ri:] if h != "pack"]
if len(xhead) != first + len(flag_ids) + len(tail):
    fail("results sheet columns %s, the CSV's %s less level and pack" % (xhead, head))
for r, x in zip(rows, xrows):
    for k, fid in enumerate(flag_ids):
        v, cell = r[head.index(fid)], x[first + k].value
        if (v == "" and cell is not None) or (v and cell is not (v == "true")):
            fail("%s: flag %r, CSV %r" % (x[first + k].coordinate, cell, v))
    for k, h in enumerate(tail):
        cell = x[first + len(flag_ids) + k]
        if (cell.value or "") != r[head.index(h)]:
            fail("%s: %s %r, CSV %r" % (cell.coordinate, h, cell.value, r[head.index(h)]))
# rejects and rules
rhead, rrows = read_csv(rejects)
rj = wb["问题行"]
xr = [[c.value for c in row] for row in rj.iter_rows(min_row=2)]
if len(xr) != len(rrows):
    fail("%d rows in the rejects sheet, %d in the rejects report" % (len(xr), len(rrows)))
for a, b in zip(rrows, xr):
    if [str(v) for v in b] != a:
        fail("rejects sheet %r, report %r" % (b, a))
rules = {r[0].value: r[1].value for r in wb["规则与选项"].iter_rows() if r[0].value}
stamps = {r[head.index("pack")] for r in rows}
if len(stamps) > 1 or rows and rules.get("规则包标记") not in stamps:
    fail("rules sheet stamp %r, the CSV's pack column %s" % (rules.get("规则包标记"), stamps))
stamp = rules.get("规则包标记") or ""
if rules.get("标识") + "@" + rules.get("版本") != stamp.split(" ")[0]:
    fail("rules sheet names %s@%s, stamp %s" % (rules.get("标识"), rules.get("版本"), stamp))
print("workbook agrees: %d results (%d numbers, %d dates, %d level cells coloured), "
      "%d summary rows, %d chart(s), %d rejects, no formula"
      % (len(rows), numbers, dates, coloured, len(got), charts, len(rrows)))
