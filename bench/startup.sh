#!/bin/sh
# bench/startup.sh: how long winnow takes to start, median and fastest of
# 21 runs each: `winnow help`, `winnow --version`, and `winnow score` on a
# two-word text (start-up plus loading the language and slop models) and on
# a story (testdata/badinput/story.txt). The target (issue 9): help and score < 50 ms.
set -eu
cd "$(dirname "$0")/.."
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
go build -o "$dir/winnow" ./cmd/winnow
echo "hello world" >"$dir/short.txt"
seed=testdata/badinput/story.txt
[ -f "$seed" ] || seed="$dir/short.txt"
python3 - "$dir/winnow" "$dir/short.txt" "$seed" <<'PY'
import subprocess, sys, time
w, short, seed = sys.argv[1:]
for args in (["help"], ["--version"], ["score", short], ["score", seed]):
    ts = []
    for _ in range(21):
        t = time.perf_counter()
        subprocess.run([w] + args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        ts.append(time.perf_counter() - t)
    ts.sort()
    print("%-40s median %6.1f ms  fastest %6.1f ms" % (" ".join(["winnow"] + args).replace(short, "SHORT"), ts[10] * 1e3, ts[0] * 1e3))
PY
