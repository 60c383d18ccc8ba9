# A new output file gets 0666 less the umask, as the shell's '>' would give
# it; a file replaced keeps its permissions. An output that is a symbolic
# link is written through: the file it points to is replaced (or created)
# and the link stays. A device is written directly.
P=rules/xuanen-twelve-point.yaml
run() { $RF run $P --input members=samples/xuanen/members.csv -q "$@"; echo "exit $?"; }
umask 027
run -o "$T/new.csv"
umask 022
run -o "$T/new-022.csv"
echo old >"$T/private.csv"
chmod 600 "$T/private.csv"
run -o "$T/private.csv"
mkdir "$T/dir"
echo old >"$T/dir/target.csv"
ln -s dir/target.csv "$T/link.csv"
run -o "$T/link.csv"
ln -s dir/not-yet.csv "$T/dangling.csv"
run -o "$T/dangling.csv"
ln -s loop.csv "$T/loop.csv"
run -o "$T/loop.csv"
run -o /dev/null -r /dev/null
cd "$T" || exit 1
for f in new.csv new-022.csv private.csv link.csv dangling.csv dir/target.csv dir/not-yet.csv; do
    echo "$f: $(stat -c '%a %F' "$f"), $(wc -l <"$f") lines"
done
rm -r ./*
