#!/usr/bin/env bash
# Two builds of winnow against each other, in alternating runs: on a shared
# machine whose speed drifts from hour to hour (up to 2x here), only runs
# interleaved in time compare. Prints each build's CPU-seconds (user +
# system, every thread) and wall seconds: best, first quartile, median.
#
#   bench/ab.sh OLD [NEW]           # git revisions; NEW defaults to the working tree
#   PRESET=fineweb-quality RUNS=8 WORKERS=2 bench/ab.sh HEAD~3
#   CORPUS=file.jsonl.gz bench/ab.sh main
#
# The corpus is the dev corpus x4 (as bench/run.sh), or CORPUS. The best
# run is noise too on a busy machine; trust a median that moves with the
# first quartile.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"
[ $# -ge 1 ] || { sed -n '2,13p' "$0" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench/ab.sh needs GNU time (apt-get install time)" >&2; exit 1; }

old=$1 new=${2:-}
preset=${PRESET:-contentfarm} runs=${RUNS:-6} workers=${WORKERS:-1}
tmp=$(mktemp -d)
trap 'git worktree remove --force "$tmp/src" 2>/dev/null || true; rm -rf "$tmp"' EXIT

build() { # build REV OUT: a revision (or the working tree when REV is empty)
	if [ -z "$1" ]; then
		go build -o "$2" ./cmd/winnow
		return
	fi
	git worktree add --quiet --detach "$tmp/src" "$1"
	(cd "$tmp/src" && go build -o "$2" ./cmd/winnow)
	git worktree remove --force "$tmp/src"
}
build "$old" "$tmp/a"
build "$new" "$tmp/b"

corpus=${CORPUS:-}
if [ -z "$corpus" ]; then
	src=../shared/data/webtext/webtext-dev.jsonl.gz
	[ -f "$src" ] || src=testdata/sample/webtext-sample.jsonl.gz
	for _ in 1 2 3 4; do cat "$src"; done >"$tmp/corpus.jsonl.gz"
	corpus=$tmp/corpus.jsonl.gz
fi

for _ in $(seq "$runs"); do
	for b in a b; do
		rm -rf "$tmp/out"
		/usr/bin/time -f "$b %U %S %e" -a -o "$tmp/times" "$tmp/$b" run --quiet --preset "$preset" --workers "$workers" --out "$tmp/out" "$corpus" >/dev/null
	done
done
echo "$preset, $workers worker(s), $runs alternating runs each; ${old} (a) vs ${new:-working tree} (b)"
# median of the numbers on stdin, one per line
median() { sort -n | awk '{v[NR] = $1} END {printf "%.2f", (v[int((NR+1)/2)] + v[int(NR/2)+1]) / 2}'; }
for b in a b; do
	cpu=$(awk -v b="$b" '$1 == b {print $2 + $3}' "$tmp/times" | sort -n)
	best=$(echo "$cpu" | head -1)
	q1=$(echo "$cpu" | awk '{v[NR] = $1} END {printf "%.2f", v[int((NR+3)/4)]}')
	printf '%s  CPU-s best %.2f  q1 %s  median %s    wall median %s s\n' "$b" "$best" "$q1" \
		"$(echo "$cpu" | median)" "$(awk -v b="$b" '$1 == b {print $4}' "$tmp/times" | median)"
done
