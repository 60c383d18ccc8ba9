# The tutorial docs/writing-a-pack.md, run as written, so that it cannot
# drift from the engine:
#  - every ```sh block is run with sh, `rosterflag` at the start of a line
#    standing for $RF, from a directory laid out like the repository root
#    (a scratch copy of docs/tutorial), and its output, stdout and stderr
#    together, must equal the ```text block right after it (a block with
#    output must have one);
#  - every ```yaml block must appear word for word in a file of docs/tutorial.
# stdout is the transcript: each command, its exit status and its output.
doc=docs/writing-a-pack.md
[ -f "$doc" ] || { echo "no $doc"; exit 1; }
RFA=$(cd "$(dirname "$RF")" && pwd)/$(basename "$RF")
W=$T/.w
mkdir -p "$W/docs" && cp -R docs/tutorial "$W/docs/" || exit 1

# Split the tutorial into numbered blocks ($T/.bN) and a list "N LANG".
awk -v dir="$T" '
    /^```/ && !inb { inb = 1; n++; lang = substr($0, 4); if (lang == "") lang = "-";
                     f = dir "/.b" n; printf "" > f; print n, lang > (dir "/.blocks"); next }
    /^```/ && inb  { inb = 0; close(f); next }
    inb            { print > f }
' "$doc"

bad=0
pending=
while read -r n lang; do
    b=$T/.b$n
    if [ -n "$pending" ] && [ "$lang" != text ]; then
        echo "DRIFT: the output of block $pending is not shown in the tutorial"
        bad=1
    fi
    case $lang in
    sh)
        sed 's/^/$ /' "$b"
        sed 's/^rosterflag /"$RF" /' "$b" >"$T/.run"
        (cd "$W" && RF=$RFA sh "$T/.run") </dev/null >"$T/.o$n" 2>&1
        echo "[exit $?]"
        cat "$T/.o$n"
        echo
        pending=
        [ -s "$T/.o$n" ] && pending=$n
        ;;
    text)
        if [ -n "$pending" ]; then
            if ! diff -u "$b" "$T/.o$pending" >"$T/.d"; then
                echo "DRIFT: the output of block $pending differs from the tutorial:"
                cat "$T/.d"
                bad=1
            fi
            pending=
        fi
        ;;
    yaml)
        found=
        for f in docs/tutorial/*.yaml; do
            awk 'BEGIN { RS = "\001" } NR == FNR { b = $0; next } index($0, b) { ok = 1 }
                 END { exit !ok }' "$b" "$f" && found=$f
        done
        if [ -z "$found" ]; then
            echo "DRIFT: yaml block $n is in no file of docs/tutorial:"
            cat "$b"
            bad=1
        fi
        ;;
    esac
done <"$T/.blocks"
if [ -n "$pending" ]; then
    echo "DRIFT: the output of block $pending is not shown in the tutorial"
    bad=1
fi
nsh=$(grep -c ' sh$' "$T/.blocks")
nyaml=$(grep -c ' yaml$' "$T/.blocks")
echo "tutorial: $nsh command blocks run, $nyaml yaml blocks found in docs/tutorial"
exit $bad
