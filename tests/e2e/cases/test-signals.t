# Interrupted or terminated, 'rosterflag test' removes its scratch folder
# (the inline inputs written under $TMPDIR) and dies of the signal (exit
# 128+N). The run is held at a FIFO input of its second case, once both
# cases' inline inputs are written, then signalled. (env restores SIGINT's
# default, which a background job starts without.)
mkfifo "$T/events.fifo"
mkdir "$T/tmp"
cat >"$T/held.test.yaml" <<EOT
pack: $PWD/rules/xuanen-twelve-point.yaml
cases:
  - name: inline roster
    year: 2025
    inputs:
      members: |
        编号,姓名
        M1,张三
    expect:
      M1: {score: 12}
  - name: held at a FIFO
    year: 2025
    inputs:
      members: |
        编号,姓名
        M1,张三
      events: events.fifo
    expect:
      M1: {score: 12}
EOT
scratch() { find "$T/tmp" -type f | wc -l; }
for sig in INT TERM HUP; do
    TMPDIR="$T/tmp" env --default-signal=INT $RF test "$T/held.test.yaml" >/dev/null &
    pid=$!
    n=0
    while [ $n -lt 200 ] && [ "$(scratch)" -lt 2 ]; do
        sleep 0.05
        n=$((n + 1))
    done
    echo "$sig: $(scratch) scratch files while running"
    kill -s $sig $pid
    n=0
    while [ $n -lt 200 ] && kill -0 $pid 2>/dev/null; do
        sleep 0.05
        n=$((n + 1))
    done
    kill -0 $pid 2>/dev/null && echo "$sig: still running" && kill -s KILL $pid
    wait $pid
    echo "$sig: exit $?, $(ls "$T/tmp" | wc -l) entries left under TMPDIR"
    rm -rf "$T/tmp"/*
done
rm -r "$T/events.fifo" "$T/tmp" "$T/held.test.yaml"
