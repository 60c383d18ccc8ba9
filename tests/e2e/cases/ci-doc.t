# docs/ci.md, tried on this repository's own packs: its first sh block (the
# commands every job runs) is run as written from a copy of the repository's
# rules and samples, with `rosterflag` on the PATH; it must succeed and leave
# reports a CI system reads: SARIF with no error, JUnit with no failure.
doc=docs/ci.md
W=$T/.w
mkdir -p "$W/bin" && cp -R rules samples "$W/" || exit 1
ln -s "$(cd "$(dirname "$RF")" && pwd)/$(basename "$RF")" "$W/bin/rosterflag"
awk '/^```sh/ && !done { inb = 1; next } /^```/ && inb { inb = 0; done = 1 } inb' "$doc" >"$T/.cmds"
(cd "$W" && PATH="$W/bin:$PATH" sh -e "$T/.cmds") >/dev/null 2>&1
echo "exit $?"
python3 - "$W/reports" <<'PY'
import json, sys, xml.etree.ElementTree as ET
d = sys.argv[1]
for f in ("check.sarif", "test.sarif"):
    log = json.load(open(f"{d}/{f}", encoding="utf-8"))
    errors = sum(r.get("level") == "error" for run in log["runs"] for r in run["results"])
    print(f"{f}: SARIF {log['version']}, {errors} errors")
root = ET.parse(f"{d}/junit.xml").getroot()
print(f"junit.xml: {root.get('failures')} failures, {root.get('errors')} errors")
PY
