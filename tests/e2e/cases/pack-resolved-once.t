# run finds a pack named without a path once, and uses that one file both to
# check that no output would replace it and to load it: the lookups it makes
# for the name are counted with strace (which .ci/deps installs).
if ! strace -o /dev/null true 2>/dev/null; then
    echo "strace cannot trace here: this case needs it"
    exit 1
fi
mkdir "$T/rules"
cp rules/xuanen-twelve-point.yaml "$T/rules/twelve.yaml"
# (LeakSanitizer cannot run under ptrace: the ASan build's leak check is off
# for this one traced run.)
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" ROSTERFLAG_RULES_PATH="$T/rules" \
    strace -f -e trace=%stat,%file -o "$T/trace" \
    $RF run twelve --input members=samples/xuanen/year-end-2025.csv --year 2025 -q -o "$T/out.csv"
echo "exit $?"
echo "lookups of the name: $(grep -c 'stat.*"twelve"' "$T/trace")"
echo "lookups in the rules folder: $(grep -c "\"$T/rules/twelve\"" "$T/trace")"
echo "pack files opened: $(grep -c "open.*\"$T/rules/twelve.yaml\"" "$T/trace")"
rm -r "$T/rules" "$T/trace" "$T/out.csv"
