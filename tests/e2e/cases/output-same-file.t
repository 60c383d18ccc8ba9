# An output that is an input, the pack or the other output is refused before
# anything is opened (exit 2), however it is spelled: ./NAME, a hard link, a
# symbolic link. The inputs and the pack are left as they were.
cp samples/xuanen/members.csv "$T/members.csv"
cp samples/xuanen/ledger.csv "$T/ledger.csv"
cp rules/xuanen-twelve-point.yaml "$T/pack.yaml"
cd "$T" || exit 1
ln members.csv hard.csv
ln -s ledger.csv sym.csv
before=$(cat members.csv ledger.csv pack.yaml | cksum)
run() { $RF run pack.yaml --input members=members.csv --input events=ledger.csv --year 2025 -q "$@"; echo "exit $?"; }
run -o ./members.csv
run -o hard.csv
run -o sym.csv
run -o "$T/ledger.csv"
run --rejects ./members.csv
run --rejects=sym.csv -o results.csv
run -o ./pack.yaml
run -r pack.yaml
run -o new.csv -r ./new.csv
run -r -
# a pack named without a path is the one in the rules folders
ROSTERFLAG_RULES_PATH="$T" $RF run pack --input members=members.csv -q -o "$T/pack.yaml"
echo "exit $?"
run -o - -r -
[ "$(cat members.csv ledger.csv pack.yaml | cksum)" = "$before" ] && echo "inputs and pack unchanged"
rm hard.csv sym.csv members.csv ledger.csv pack.yaml
ls
