# The HTML report in a real browser: headless Chromium (network off, a fresh
# profile) loads it from disk and dumps its DOM, which tests/e2e/html-check.py
# compares with the CSV results of the same run; the page logs nothing to the
# console; a screenshot and a print-to-PDF are made, and the PDF has a page
# for the summary and at least one per group (page breaks between groups).
PY=/usr/bin/python3; [ -x $PY ] || PY=python3
browse() { # chromium, as the brief for CI asks: no network, no sync, a fresh profile
    chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$(mktemp -d "$T/profile.XXXXXX")" --enable-logging=stderr --v=0 \
        "--host-resolver-rules=MAP * ~NOTFOUND" "$@"
}
both() { # pack group args...
    pack=$1 group=$2; shift 2
    $RF run "$pack" "$@" -q -o "$T/r.csv" -r /dev/null
    SOURCE_DATE_EPOCH=0 $RF run "$pack" "$@" -q -f html -o "$T/r.html" -r /dev/null
    echo "exit $?"
    browse --dump-dom "file://$T/r.html" >"$T/dom.html" 2>"$T/console.txt"
    grep -E "CONSOLE|Uncaught|Failed to load" "$T/console.txt" && echo "console errors"
    $PY tests/e2e/html-check.py "$T/dom.html" "$T/r.csv" $group
    browse --screenshot="$T/r.png" --window-size=1000,1400 "file://$T/r.html" 2>/dev/null
    [ "$(head -c 8 "$T/r.png" | od -An -tx1 | tr -d ' ')" = 89504e470d0a1a0a ] && echo "a screenshot"
    browse --print-to-pdf="$T/r.pdf" --no-pdf-header-footer "file://$T/r.html" 2>/dev/null
    pages=$(grep -a -c -E '/Type ?/Page([^s]|$)' "$T/r.pdf")
    groups=$(grep -c '<section class="g"' "$T/r.html")
    blocks=$(grep -c '<section class="e"' "$T/r.html")
    [ "$pages" -ge $((groups + 1)) ] && [ "$pages" -le $((groups + 1 + blocks)) ] &&
        echo "the PDF has a sane page count ($groups groups, $blocks blocks)"
    rm -rf "$T"/profile.* "$T"/r.* "$T/dom.html" "$T/console.txt"
}
echo "-- Tongren by district: a level and a flag"
both rules/tongren-lagging.yaml district --input communities=samples/tongren/communities.csv \
    --year 2025 --group-by district
echo "-- Xuan'en by branch"
both rules/xuanen-twelve-point.yaml branch --input members=samples/xuanen/members.csv \
    --input events=samples/xuanen/ledger.csv --year 2025 --group-by branch
echo "-- Luojiang, no groups"
both rules/luojiang-red-yellow-blue.yaml "" --input villages=samples/luojiang/villages.csv \
    --input team=samples/luojiang/team.csv --as-of 2025-12-31
echo "-- --list-all lists every entity; a name is text, never markup"
cp samples/xuanen/members.csv "$T/members.csv"
echo 'M9001,<script>alert(1)</script>=HYPERLINK("x"),男,1970-01-01,一支部,1990-01-01' >> "$T/members.csv"
$RF run rules/xuanen-twelve-point.yaml --input members="$T/members.csv" --year 2025 -q \
    -f html --list-all -o "$T/r.html"
echo "exit $?"
echo "blocks: $(grep -c '<section class="e"' "$T/r.html")"
browse --dump-dom "file://$T/r.html" >"$T/dom.html" 2>"$T/console.txt"
grep -E "CONSOLE|Uncaught" "$T/console.txt" && echo "console errors"
echo "script elements: $(grep -c '<script' "$T/dom.html")"
grep -o '&lt;script&gt;alert(1)&lt;/script&gt;=HYPERLINK("x")' "$T/dom.html" | head -1
rm -rf "$T"/profile.* "$T"/r.* "$T/dom.html" "$T/console.txt" "$T/members.csv"
echo "-- notices: a page per member flagged, in the pack's words (tests/e2e/notice-check.py)"
X="--input members=samples/xuanen/members.csv --input events=samples/xuanen/ledger.csv --year 2025"
$RF run rules/xuanen-twelve-point.yaml $X -q -o "$T/r.csv"
for all in "" --list-all; do
    $RF run rules/xuanen-twelve-point.yaml $X --group-by branch -q -f html --notices $all \
        -o "$T/r.html"
    echo "exit $?"
    browse --dump-dom "file://$T/r.html" >"$T/dom.html" 2>"$T/console.txt"
    grep -E "CONSOLE|Uncaught|Failed to load" "$T/console.txt" && echo "console errors"
    $PY tests/e2e/notice-check.py "$T/dom.html" "$T/r.csv" samples/xuanen/ledger.csv \
        rules/xuanen-twelve-point.yaml 2025 $all
    browse --print-to-pdf="$T/r.pdf" --no-pdf-header-footer "file://$T/r.html" 2>/dev/null
    pages=$(grep -a -c -E '/Type ?/Page([^s]|$)' "$T/r.pdf")
    notices=$(grep -c '<section class="n"' "$T/r.html")
    [ "$pages" -ge $((notices + 1)) ] && [ "$pages" -le $((2 * notices + 15)) ] &&
        echo "the PDF has a page for each of the $notices notices"
    rm -rf "$T"/profile.* "$T/r.html" "$T/r.pdf" "$T/dom.html" "$T/console.txt"
done
rm -f "$T/r.csv"
echo "-- --notices belongs to html"
$RF run rules/xuanen-twelve-point.yaml $X -q --notices -o "$T/r.csv"
echo "exit $?"
