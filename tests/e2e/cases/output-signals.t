# Interrupted or terminated, a run removes its temporary files and leaves
# both outputs as they were; it dies of the signal (exit 128+N). The run is
# held at a FIFO input until the temporary files exist, then signalled.
# (A background job starts with SIGINT ignored, and a run leaves an ignored
# signal ignored, so env restores its default first.)
P=rules/xuanen-twelve-point.yaml
mkfifo "$T/events.fifo"
for sig in INT TERM HUP; do
    echo "previous results" >"$T/results.csv"
    echo "previous,rejects,report" >"$T/rejects.csv"
    env --default-signal=INT $RF run $P --input members=samples/xuanen/members.csv \
        --input events="$T/events.fifo" -o "$T/results.csv" -r "$T/rejects.csv" -q &
    pid=$!
    n=0
    while [ $n -lt 200 ] && [ "$(ls "$T" | grep -c rosterflag-tmp)" -lt 2 ]; do
        sleep 0.05
        n=$((n + 1))
    done
    echo "$sig: $(ls "$T" | grep -c rosterflag-tmp) temporary files while running"
    kill -s $sig $pid
    n=0
    while [ $n -lt 200 ] && kill -0 $pid 2>/dev/null; do
        sleep 0.05
        n=$((n + 1))
    done
    kill -0 $pid 2>/dev/null && echo "$sig: still running" && kill -s KILL $pid
    wait $pid
    echo "$sig: exit $?, $(ls "$T" | grep -c rosterflag-tmp) temporary files after"
    cat "$T/results.csv" "$T/rejects.csv"
done
rm "$T/events.fifo" "$T/results.csv" "$T/rejects.csv"
