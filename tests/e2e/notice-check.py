"""Checks the notices of `run --format html --notices` on the Xuan'en samples,
as headless Chromium built the page, against the CSV results, the ledger and
the pack:

  notice-check.py DOM.html RESULTS.csv LEDGER.csv PACK.yaml YEAR [--list-all]

- one notice per member with a level (every member with --list-all);
- every notice of a member with a reminder talk (the pack's level
  reminder_talk) names the member, the year, the level's label and
  description from the pack, and each of the member's ledger rows of the
  year: its date, its note, the catalogue item's Chinese name and points;
- a capped bonus is said, as the pack's tally label;
- no notice holds expression syntax or English: no comparison sign, no
  lower-case Latin word (ids such as M0007 and codes such as D02 are data).
Prints what it checked; exits 1 at the first difference."""
import csv
import re
import sys
from html.parser import HTMLParser

dom, results, ledger, pack, year = sys.argv[1:6]
listed_all = sys.argv[6:] == ["--list-all"]


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


class Notices(HTMLParser):
    def __init__(self):
        super().__init__()
        self.notices = []  # (key, level, text)
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section" and a.get("class") == "n":
            self.notices.append([a["data-key"], a["data-level"], []])
            self.depth = 1
        elif tag == "section" and self.depth:
            self.depth += 1

    def handle_endtag(self, tag):
        if tag == "section" and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.notices[-1][2].append(data)


page = Notices()
page.feed(open(dom, encoding="utf-8").read())
notices = {k: (lv, " ".join(t)) for k, lv, t in page.notices}

with open(results, encoding="utf-8-sig", newline="") as f:
    rows = list(csv.DictReader(f))
flagged = [r for r in rows if listed_all or r["level"] != "none"]
if sorted(notices) != sorted(r["member_id"] for r in flagged):
    fail("notices for %s, the CSV flags %s" % (sorted(notices), sorted(r["member_id"] for r in flagged)))

text = open(pack, encoding="utf-8").read()
items = dict(re.findall(r"\{code: (\w+), name: \{zh: ([^,]+),", text))
points = {c: p for c, p in re.findall(r"\{code: (\w+),.*?points: (\d+)\}", text)}
level = re.search(r"- id: reminder_talk\n    label: \{zh: ([^,]+),.*?\n(?:.*\n)*?    description: \{zh: ([^,]+),", text)
label, meaning = level.group(1), level.group(2)
cap_label = re.search(r"  bonus:\n    label: \{zh: ([^,]+),", text).group(1)

with open(ledger, encoding="utf-8-sig", newline="") as f:
    events = [e for e in csv.DictReader(f) if e["日期"].startswith(year)]

checked = rows_seen = capped = 0
for r in flagged:
    lv, t = notices[r["member_id"]]
    if lv != r["level"]:
        fail("%s: notice level %s, CSV %s" % (r["member_id"], lv, r["level"]))
    bad = re.findall(r"[<>≤≥=]|\b[a-z]{2,}\b", t)
    if bad:
        fail("%s: expression or English in the notice: %s" % (r["member_id"], bad[:5]))
    if "capped" in r["detail"]:
        if cap_label + "超过上限" not in t:
            fail("%s: the cap is not said" % r["member_id"])
        capped += 1
    if r["level"] != "reminder_talk":
        continue
    for want in (r["name"], year, label, meaning):
        if want not in t:
            fail("%s: the notice does not say %r" % (r["member_id"], want))
    for e in events:
        if e["编号"] != r["member_id"]:
            continue
        y, m, d = (int(x) for x in re.findall(r"\d+", e["日期"])[:3])
        day = "%04d-%02d-%02d" % (y, m, d)  # the notice writes dates one way
        for want in (day, e["备注"], items[e["代码"]], points[e["代码"]]):
            if want not in t:
                fail("%s: the notice lacks %r of the ledger row %s" % (r["member_id"], want, e))
        rows_seen += 1
    checked += 1
if not checked:
    fail("no member with a reminder talk in the sample")
print("notices agree: %d notices, %d reminder talks read in full (%d ledger rows, %d caps), "
      "no expression, no English" % (len(notices), checked, rows_seen, capped))
