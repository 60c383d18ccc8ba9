#!/usr/bin/env python3
"""The one table printer of the bench scripts (bench/run.sh and friends).

  table.py header
      The sitting line: date (UTC), CPU model, cores, load average, commit,
      the engine binary and its build type, and the versions of every tool
      the tables compare (those not installed say so).

  table.py times JSON --title TEXT [options] NAME...
      One Markdown table from a hyperfine --export-json file, a row per NAME
      in the order given: mean wall seconds (± sd), CPU seconds (user+sys,
      hyperfine's means), optional MB/s, a ratio column per --vs reference,
      the peak RSS from a GNU `time -v` file, optional output size; then the
      notes and one summary sentence per --summary name. A ratio is the
      row's mean over the reference's mean (below 1.00× is faster); the
      summary spells out the inverse when it is below 1, so the sentence a
      README quotes is printed, not computed by hand.

Options of `times`:
  --bytes N            input bytes: adds MB/s (10^6 bytes / mean wall s)
  --rss DIR/PREFIX     peak RSS of NAME from DIR/PREFIXNAME.txt (`time -v -o`)
  --vs NAME            a wall-time ratio column against NAME (repeatable)
  --cpu-vs NAME        a CPU-time ratio column against NAME (repeatable)
  --min                a "min s" column (fastest run)
  --size NAME=PATH     an "output MB" column: size of PATH for row NAME
  --label NAME=TEXT    show TEXT instead of NAME (rows, ratio columns, summaries)
  --what TEXT          the first column's heading (default "tool")
  --missing NAME=WHY   NAME was not timed: a row of dashes and a note
  --summary NAME       print "NAME: 2.47× bare_parse (wall), ..." under the table
  --extra-rss BASE:OTHER:ROWS   the RSS OTHER adds over BASE, per row
  --note TEXT          a line under the table (repeatable)

Python 3 standard library only.
"""

import argparse
import datetime
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def run(cmd):
    """First line of a command's output, or None if it is absent or fails."""
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = (out.stdout or out.stderr).strip()
    return text.splitlines()[0] if out.returncode == 0 and text else None


def libcsv_version():
    try:
        with open("/usr/include/csv.h", encoding="utf-8", errors="replace") as f:
            h = f.read()
    except OSError:
        return None
    parts = [re.search(r"#define CSV_%s\s+(\d+)" % k, h) for k in ("MAJOR", "MINOR", "RELEASE")]
    return ".".join(m.group(1) for m in parts) if all(parts) else None


def duckdb_version():
    p = os.path.join(HERE, "node_modules", "@duckdb", "node-api", "package.json")
    try:
        with open(p, encoding="utf-8") as f:
            return json.load(f).get("version")
    except (OSError, ValueError):
        return None


def engine_build(binary):
    """'Release' etc. from the CMake cache beside the binary, if there is one."""
    cache = os.path.join(os.path.dirname(os.path.abspath(binary)), "CMakeCache.txt")
    try:
        with open(cache, encoding="utf-8", errors="replace") as f:
            m = re.search(r"^CMAKE_BUILD_TYPE:\w+=(.*)$", f.read(), re.M)
    except OSError:
        return "build type unknown"
    return (m.group(1) or "no build type") if m else "build type unknown"


def header():
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            m = re.search(r"^model name\s*:\s*(.*)$", f.read(), re.M)
            cpu = m.group(1).strip() if m else cpu
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = " ".join("%.2f" % x for x in os.getloadavg())
    commit = run(["git", "rev-parse", "--short", "HEAD"]) or "unknown"
    if run(["git", "status", "--porcelain", "--untracked-files=no"]):
        commit += " + uncommitted changes"
    rf = os.environ.get("ROSTERFLAG", "build-rel/rosterflag")
    rfv = run([os.path.join(ROOT, rf) if not os.path.isabs(rf) else rf, "--version"])
    tools = [
        ("rosterflag", "%s, %s, %s" % (rfv, rf, engine_build(os.path.join(ROOT, rf))) if rfv else None),
        ("mlr", run(["mlr", "--version"])),
        ("hyperfine", run(["hyperfine", "--version"])),
        ("@duckdb/node-api", duckdb_version()),
        ("node", run(["node", "--version"])),
        ("cc", run(["cc", "--version"])),
        ("libcsv", libcsv_version()),
    ]
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    print("Sitting: %s; %s cores (%s); load average %s; repo %s" % (now, cores, cpu, load, commit))
    print()
    # A tool's own --version line is kept whole when it names the tool.
    print("Tools: " + "; ".join(v if v and v.startswith(k + " ") else "%s %s" % (k, v or "not installed")
                                for k, v in tools) + ".")
    print()


def rss_mib(prefix, name):
    try:
        with open(prefix + name + ".txt", encoding="utf-8", errors="replace") as f:
            m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", f.read())
    except OSError:
        return None
    return int(m.group(1)) / 1024 if m else None


def ratio(x, ref):
    return "%.2f×" % (x / ref) if ref else "n/a"


def pairs(items, what):
    out = {}
    for it in items or []:
        k, sep, v = it.partition("=")
        if not sep:
            sys.exit("table.py: %s wants NAME=VALUE, got %r" % (what, it))
        out[k] = v
    return out


def times(a):
    with open(a.json, encoding="utf-8") as f:
        res = {r["command"]: r for r in json.load(f)["results"]}
    missing = pairs(a.missing, "--missing")
    sizes = pairs(a.size, "--size")
    labels = pairs(a.label, "--label")
    for ref in a.vs + a.cpu_vs:
        if ref not in res:
            sys.exit("table.py: reference %r is not in %s" % (ref, a.json))
    for n in a.names:
        if n not in res and n not in missing:
            sys.exit("table.py: %r is not in %s (and not --missing)" % (n, a.json))

    def cpu(r):
        return (r.get("user") or 0.0) + (r.get("system") or 0.0)

    cols = [a.what, "mean s (± sd)"] + (["min s"] if a.min else []) + ["cpu s (user+sys)"]
    cols += ["MB/s"] if a.bytes else []
    cols += ["× %s" % labels.get(ref, ref) for ref in a.vs]
    cols += ["cpu × %s" % labels.get(ref, ref) for ref in a.cpu_vs]
    cols += ["peak RSS MiB"] if a.rss else []
    cols += ["output MB"] if sizes else []
    print(a.title)
    print()
    print("| " + " | ".join(cols) + " |")
    print("|---|" + "---:|" * (len(cols) - 1))
    for n in a.names:
        label = labels.get(n, n)
        r = res.get(n)
        if r is None:
            print("| " + " | ".join([label] + ["—"] * (len(cols) - 1)) + " |")
            continue
        m = r["mean"]
        row = [label, "%.3f (± %.3f)" % (m, r.get("stddev") or 0.0)]
        row += ["%.3f" % r["min"]] if a.min else []
        row += ["%.3f" % cpu(r)]
        row += ["%.1f" % (a.bytes / 1e6 / m)] if a.bytes else []
        row += [ratio(m, res[ref]["mean"]) for ref in a.vs]
        row += [ratio(cpu(r), cpu(res[ref])) for ref in a.cpu_vs]
        if a.rss:
            mib = rss_mib(a.rss, n)
            row += ["%.1f" % mib if mib is not None else "n/a"]
        if sizes:
            p = sizes.get(n)
            row += ["%.1f" % (os.path.getsize(p) / 1e6) if p and os.path.exists(p) else "n/a"]
        print("| " + " | ".join(row) + " |")
    print()
    for n, why in missing.items():
        print("Not timed: %s — %s" % (n, why))
    for n in a.summary:
        r = res.get(n)
        if r is None:
            continue
        bits = []
        for ref in a.vs:
            if ref == n:
                continue
            x = r["mean"] / res[ref]["mean"]
            bit = "%.2f× %s (wall)" % (x, labels.get(ref, ref))
            if x < 1:
                bit += ", which takes %.2f× as long" % (1 / x)
            bits.append(bit)
        for ref in a.cpu_vs:
            if ref != n:
                bits.append("%.2f× %s (cpu)" % (cpu(r) / cpu(res[ref]), labels.get(ref, ref)))
        if a.rss:
            mib = rss_mib(a.rss, n)
            if mib is not None:
                bits.append("peak RSS %.1f MiB" % mib)
        print("Summary: %s: %s." % (labels.get(n, n), "; ".join(bits)))
    for spec in a.extra_rss:
        base, other, rows = spec.split(":")
        b, o = rss_mib(a.rss, base), rss_mib(a.rss, other)
        if b is not None and o is not None:
            print("Summary: %s adds %.1f MiB of peak RSS over %s: %.1f bytes per row."
                  % (labels.get(other, other), o - b, labels.get(base, base),
                     (o - b) * 1048576 / int(rows)))
    for note in a.note:
        print(note)
    print()


def main(argv):
    p = argparse.ArgumentParser(prog="table.py", description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("header")
    t = sub.add_parser("times")
    t.add_argument("json")
    t.add_argument("names", nargs="+")
    t.add_argument("--title", required=True)
    t.add_argument("--what", default="tool")
    t.add_argument("--bytes", type=int)
    t.add_argument("--rss")
    t.add_argument("--vs", action="append", default=[])
    t.add_argument("--cpu-vs", action="append", default=[])
    t.add_argument("--min", action="store_true")
    t.add_argument("--size", action="append")
    t.add_argument("--label", action="append")
    t.add_argument("--missing", action="append")
    t.add_argument("--summary", action="append", default=[])
    t.add_argument("--extra-rss", action="append", default=[])
    t.add_argument("--note", action="append", default=[])
    a = p.parse_args(argv)
    if a.cmd == "header":
        header()
    else:
        times(a)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
