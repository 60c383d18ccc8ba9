#!/usr/bin/env python3
"""Reads rosterflag's JUnit and SARIF reports back the way CI systems do.

    check_reports.py DIR

DIR holds test.xml (`test --format junit` on tests/reports/), test.sarif
(`test --format sarif`, same), check.sarif (`check --format sarif
tests/reports/broken-pack.yaml`), and mutate.sarif and mutate.xml (`test
--mutate --fail-under 100` on tests/e2e/data/mu, whose tests pin no boundary). JUnit is parsed with xml.etree and checked
for what JUnit consumers read; SARIF is checked against the required fields
and value constraints of the SARIF 2.1.0 schema (written out here: no
network), then for the results the fixtures must produce."""
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

fails = []


def need(cond, what):
    if not cond:
        fails.append(what)
    return cond


def num(el, attr, conv=int):
    v = el.get(attr)
    if not need(v is not None, f"<{el.tag} name={el.get('name')!r}> has no {attr}"):
        return None
    try:
        return conv(v)
    except ValueError:
        need(False, f"<{el.tag} name={el.get('name')!r}> {attr}={v!r} is not a number")
        return None


def check_junit(path):
    root = ET.parse(path).getroot()
    need(root.tag == "testsuites", "root element is <testsuites>")
    cases = {}
    tot = {"tests": 0, "failures": 0, "errors": 0}
    for suite in root.findall("testsuite"):
        sname = suite.get("name")
        need(sname, "every testsuite has a name")
        kids = suite.findall("testcase")
        nf = sum(1 for c in kids if c.find("failure") is not None)
        ne = sum(1 for c in kids if c.find("error") is not None)
        need(num(suite, "tests") == len(kids), f"suite {sname}: tests = its testcases")
        need(num(suite, "failures") == nf, f"suite {sname}: failures = its <failure>s")
        need(num(suite, "errors") == ne, f"suite {sname}: errors = its <error>s")
        num(suite, "time", float)
        tot["tests"] += len(kids)
        tot["failures"] += nf
        tot["errors"] += ne
        names = [c.get("name") for c in kids]
        need(len(names) == len(set(names)), f"suite {sname}: case names unique: {names}")
        for c in kids:
            name = c.get("name")
            need(name, f"suite {sname}: a testcase has a name")
            need(c.get("classname") == sname, f"{name!r}: classname is its suite")
            f = c.get("file")
            need(f and not re.search(r":\d+$", f), f"{name!r}: file is a path, not path:line ({f!r})")
            need(f and os.path.exists(f), f"{name!r}: file {f!r} exists")
            num(c, "time", float)
            if c.get("line") is not None:
                need(num(c, "line") >= 1, f"{name!r}: line >= 1")
            cases[(sname, name)] = c
    for k, v in tot.items():
        need(num(root, k) == v, f"testsuites {k} = {v}")
    num(root, "time", float)
    return cases


def case(cases, suite, name, outcome, file=None, line=None):
    c = cases.get((suite, name))
    if not need(c is not None, f"JUnit has case {name!r} in suite {suite!r}"):
        return
    got = "error" if c.find("error") is not None else "failure" if c.find("failure") is not None else "ok"
    need(got == outcome, f"{name!r}: {outcome}, got {got}")
    if file:
        need(c.get("file") == file, f"{name!r}: file {file}, got {c.get('file')}")
    if line:
        need(c.get("line") == str(line), f"{name!r}: line {line}, got {c.get('line')}")


def check_sarif(path):
    with open(path, encoding="utf-8") as f:
        log = json.load(f)
    need(log.get("version") == "2.1.0", f"{path}: version is 2.1.0")
    runs = log.get("runs")
    need(isinstance(runs, list) and runs, f"{path}: runs is a non-empty array")
    out = []
    for run in runs or []:
        tool = run.get("tool")
        need(isinstance(tool, dict) and isinstance(tool.get("driver"), dict), "run.tool.driver")
        driver = (tool or {}).get("driver") or {}
        need(isinstance(driver.get("name"), str) and driver["name"], "tool.driver.name")
        rules = driver.get("rules", [])
        for r in rules:
            need(isinstance(r.get("id"), str) and r["id"], "every rule has an id")
        need(len({r.get("id") for r in rules}) == len(rules), "rule ids are unique")
        if "columnKind" in run:
            need(run["columnKind"] in ("utf16CodeUnits", "unicodeCodePoints"), "columnKind")
        for res in run.get("results", []):
            msg = res.get("message")
            need(isinstance(msg, dict) and (isinstance(msg.get("text"), str) or "id" in msg),
                 "result.message has text or id")
            need(res.get("level", "warning") in ("none", "note", "warning", "error"), "result.level")
            rid = res.get("ruleId")
            if "ruleIndex" in res:
                i = res["ruleIndex"]
                need(isinstance(i, int) and 0 <= i < len(rules) and rules[i]["id"] == rid,
                     f"ruleIndex {i} names rule {rid}")
            need(rid in {r["id"] for r in rules}, f"ruleId {rid} is a listed rule")
            loc = None
            for l in res.get("locations", []):
                pl = l.get("physicalLocation")
                if pl is None:
                    continue
                need("artifactLocation" in pl or "address" in pl,
                     "physicalLocation has artifactLocation or address")
                uri = pl.get("artifactLocation", {}).get("uri", "")
                need(isinstance(uri, str) and not re.search(r"[ %](?![0-9A-F]{2})", uri),
                     f"uri {uri!r} is a URI reference")
                reg = pl.get("region", {})
                for k in ("startLine", "startColumn", "endLine", "endColumn"):
                    if k in reg:
                        need(isinstance(reg[k], int) and reg[k] >= 1, f"region.{k} >= 1")
                loc = (uri, reg.get("startLine"), reg.get("startColumn"))
            out.append((rid, loc, msg.get("text", "")))
    return out


def has(results, rule, uri, line, col=None, text=""):
    for rid, loc, msg in results:
        if rid == rule and loc and loc[0] == uri and loc[1] == line and (col is None or loc[2] == col) \
                and text in msg:
            return True
    need(False, f"SARIF has a {rule} result at {uri}:{line}:{col} with {text!r}")


d = sys.argv[1]
x = "xuanen-twelve-point"
cases = check_junit(os.path.join(d, "test.xml"))
case(cases, x, "passes #1 TODO", "ok", "tests/reports/names.test.yaml", 6)
case(cases, x, "fails #2 TODO not really", "failure", "tests/reports/names.test.yaml", 14)
case(cases, x, "two\nlines, failing", "failure", "tests/reports/names.test.yaml", 22)
case(cases, x, "same name", "ok")
case(cases, x, "same name (2)", "ok")
case(cases, x, "tests/reports/broken.test.yaml loads", "error", "tests/reports/broken.test.yaml", 5)
case(cases, "tests/reports/broken-pack.test.yaml", "tests/reports/broken-pack.test.yaml loads",
     "error", "tests/reports/broken-pack.test.yaml", 2)

chk = check_sarif(os.path.join(d, "check.sarif"))
has(chk, "pack", "tests/reports/broken-pack.yaml", 9, 5, "'colums'")
tst = check_sarif(os.path.join(d, "test.sarif"))
has(tst, "pack", "tests/reports/broken-pack.yaml", 9, 5, "'colums'")
has(tst, "test-file", "tests/reports/broken.test.yaml", 5, 5, "'yaer'")
has(tst, "test-case", "tests/reports/names.test.yaml", 14, None, "expected 11, got 12")
has(tst, "test-case", "tests/reports/names.test.yaml", 22, None, "expected 10, got 12")

mcases = check_junit(os.path.join(d, "mutate.xml"))
case(mcases, "boundary", "far below", "ok", "tests/e2e/data/mu/boundary.test.yaml", 11)
case(mcases, "boundary", "mutation score >= 100%", "failure", "tests/e2e/data/mu/boundary.yaml")
mut = check_sarif(os.path.join(d, "mutate.sarif"))
has(mut, "surviving-mutant", "tests/e2e/data/mu/boundary.yaml", 16, 21,
    "'progress < red_below' -> 'progress <= red_below'")
has(mut, "surviving-mutant", "tests/e2e/data/mu/boundary.yaml", 20, 18, "'share < 0.4'")
has(mut, "test-file", "tests/e2e/data/mu/boundary.test.yaml", 8, 13, "'progress < 11'")

for f in fails:
    print("FAIL:", f)
if not fails:
    print("JUnit and SARIF reports read back as CI systems read them")
sys.exit(1 if fails else 0)
