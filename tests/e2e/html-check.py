"""Checks a report written by `run --format html`, as headless Chromium built
its DOM, against the CSV results of the same run:

  html-check.py DOM.html RESULTS.csv [GROUP_COLUMN]

- the summary table's counts (overall, and per group when grouped) equal the
  CSV's counts of each level, each flag and in all;
- each group lists one block per result with a level or a flag raised, and
  says how many it left unlisted; a block's level is its result's level;
- nothing in the page refers to another file or the network (no src, href,
  url(), @import).
Prints what it checked; exits 1 at the first difference."""
import collections
import csv
import re
import sys
from html.parser import HTMLParser

dom, results = sys.argv[1:3]
group = sys.argv[3] if len(sys.argv) > 3 else None


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


with open(results, encoding="utf-8-sig", newline="") as f:
    rows = list(csv.DictReader(f))
for r in rows:
    for k, v in r.items():
        if len(v) > 1 and v[0] == "'" and v[1] in "=+-@\t\r":
            r[k] = v[1:]
head = list(rows[0].keys()) if rows else []
flags = head[head.index("level_label") + 1 if "level_label" in head else 0:head.index("reasons")] if rows else []
if "level_label" not in head:
    flags = [h for h in head if h not in ("reasons", "detail", "pack") and all(r[h] in ("true", "false", "") for r in rows)]


class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.summary = {}  # row name -> {key: count}
        self.row = None
        self.cell = None
        self.blocks = collections.defaultdict(list)  # group -> [level]
        self.unlisted = {}
        self.section = None
        self.external = []
        self.text = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for k in ("src", "href"):
            if k in a:
                self.external.append("%s %s=%s" % (tag, k, a[k]))
        if tag == "tr" and ("data-all" in a or "data-group" in a):
            self.row = "*" if "data-all" in a else a["data-group"]
            self.summary[self.row] = {}
        elif tag == "td" and self.row is not None:
            key = ("level:" + a["data-level"] if "data-level" in a else
                   "flag:" + a["data-flag"] if "data-flag" in a else
                   "total" if "data-total" in a else None)
            self.cell = key
            self.text = []
        elif tag == "section" and "g" in a.get("class", "").split():
            self.section = a.get("data-group", "*")
            self.blocks.setdefault(self.section, [])
        elif tag == "section" and "e" in a.get("class", "").split():
            self.blocks[self.section].append(a.get("data-level"))
        elif tag == "p" and "data-unlisted" in a:
            self.unlisted[self.section] = int(a["data-unlisted"])

    def handle_data(self, data):
        if self.cell:
            self.text.append(data)
        if re.search(r"url\(|@import", data):
            self.external.append(data.strip()[:60])

    def handle_endtag(self, tag):
        if tag == "td" and self.cell:
            self.summary[self.row][self.cell] = int("".join(self.text))
            self.cell = None
        elif tag == "tr":
            self.row = None


page = Page()
page.feed(open(dom, encoding="utf-8").read())
if page.external:
    fail("the page refers to other files: %s" % page.external[:3])

want = collections.OrderedDict()
want["*"] = collections.Counter()
flagged = collections.OrderedDict()
for r in rows:
    g = r[group] if group else "*"
    for k in (["*", g] if group else ["*"]):
        c = want.setdefault(k, collections.Counter())
        c["total"] += 1
        if "level" in r:
            c["level:" + r["level"]] += 1
        for fl in flags:
            c["flag:" + fl] += r[fl] == "true"
    listed = (r.get("level", "none") != "none") or any(r[fl] == "true" for fl in flags)
    flagged.setdefault(g, [])
    if listed:
        flagged[g].append(r.get("level"))
if list(page.summary) != list(want):
    fail("summary rows %s, the CSV's groups %s" % (list(page.summary)[:4], list(want)[:4]))
cells = 0
for name, counts in page.summary.items():
    for key, n in counts.items():
        if n != want[name][key]:
            fail("summary %s %s: %d, the CSV has %d" % (name, key, n, want[name][key]))
        cells += 1
for g, levels in flagged.items():
    if page.blocks.get(g, []) != levels:
        fail("group %s lists %s, the CSV flags %s" % (g, page.blocks.get(g), levels))
    total = want[g]["total"] if group else len(rows)
    if page.unlisted.get(g, 0) != total - len(levels):
        fail("group %s says %s unlisted, the CSV has %d" % (g, page.unlisted.get(g), total - len(levels)))
print("page agrees: %d summary rows (%d counts), %d blocks, %d unlisted, self-contained"
      % (len(page.summary), cells, sum(len(v) for v in page.blocks.values()),
         sum(page.unlisted.values())))
