#!/usr/bin/env bash
# The scaling table of issue 9 on a bigger machine that has no Go and no
# ../shared: prepare here, run there.
#
#   bench/device.sh prepare      # here: a static winnow and the corpus in bench/out/
#   bench/device.sh run          # there, from the repository root: the whole table
#
# With the project's lent device machine, prepare here, then one call of its
# `run` tool with carry ["bench/out"] and the command `bench/device.sh run`
# (about 5 minutes on 16 cores); the table comes back as $OUT/table.txt,
# each run's stats.json beside it.
#
# What run measures, every row with the same static binary:
#   - zcat alone over the big .jsonl.gz (the speed of light for one gzip stream);
#   - fineweb-quality over 32 JSONL shards (webtext-dev x32) and over the
#     same text as one .jsonl.gz, gzip output, for 1, 2, 4, 8, 16 workers
#     (WORKERS= to change);
#   - contentfarm over the 32 shards, 1 and 16 workers;
#   - winnow dedup run over 2,000,000 short synthetic documents, 1 and 16
#     workers;
#   - winnow help and winnow score start-up, median of 21.
# MB/s is MB of document text (stats.json text_bytes_in) per wall second;
# MB/CPU-s per CPU-second of the process (user + system, every thread), as
# bash's time keyword reports it.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out

prepare() {
	export PATH="/usr/local/go/bin:$PATH"
	mkdir -p "$out"
	CGO_ENABLED=0 go build -trimpath -o "$out/winnow" ./cmd/winnow
	corpus=${CORPUS:-../shared/data/webtext/webtext-dev.jsonl.gz}
	[ -f "$corpus" ] || corpus=testdata/sample/webtext-sample.jsonl.gz
	cp "$corpus" "$out/corpus.jsonl.gz"
	cp testdata/badinput/story.txt "$out/story.txt"
	du -sh "$out"
}

# cpu runs a command and prints its user + system seconds (every thread),
# as bash's time keyword reports them.
cpu() {
	local TIMEFORMAT='%U %S'
	{ time "$@" >/dev/null 2>"$tmp/stderr"; } 2>"$tmp/cpu"
	awk '{printf "%.2f", $1 + $2}' "$tmp/cpu"
}

now() { date +%s.%N; }

# row LABEL DIR WORKERS SECONDS CPU: one line of the table from a run's stats.json.
row() {
	local label=$1 dir=$2 w=$3 s=$4 c=$5
	local text docs
	text=$(grep -o '"text_bytes_in": *[0-9]*' "$dir/stats.json" | grep -o '[0-9]*$')
	docs=$(grep -o '"docs": *[0-9]*' "$dir/stats.json" | head -1 | grep -o '[0-9]*$') # "in" comes first
	awk -v l="$label" -v w="$w" -v s="$s" -v c="$c" -v t="$text" -v d="$docs" \
		'BEGIN{printf "%-40s %3d %8.2f %10.0f %9.1f %11.1f %9.1f\n", l, w, s, d/s, t/1e6/s, t/1e6/s/w, t/1e6/c}'
}

# preset_row PRESET INPUT LABEL NAME WORKERS: one winnow run of the table,
# its stats.json kept as $res/PRESET-NAME-WORKERS.json.
preset_row() {
	local p=$1 input=$2 label=$3 name=$4 w=$5
	local d="$tmp/$p-$name-$w" t0 t1 c
	t0=$(now)
	c=$(cpu "$bin" run --quiet --preset "$p" --workers "$w" --out "$d" "$input")
	t1=$(now)
	row "$p, $label" "$d" "$w" "$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}')" "$c"
	cp "$d/stats.json" "$res/$p-$name-$w.json"
	rm -rf "$d"
}

run() {
	bin=$out/winnow res=${OUT:-$out/result}
	[ -x "$bin" ] || { echo "no $bin: run bench/device.sh prepare first" >&2; exit 1; }
	mkdir -p "$res"
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	local workers=${WORKERS:-"1 2 4 8 16"}
	{
		echo "machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)"
		"$bin" --version

		# The corpus 32 times: as 32 shards, and as one gzip stream.
		mkdir "$tmp/shards"
		for i in $(seq -w 1 32); do
			zcat "$out/corpus.jsonl.gz" | sed "s/\"id\": *\"/\"id\": \"s$i-/" >"$tmp/shards/part-$i.jsonl"
		done
		cat "$tmp"/shards/*.jsonl | gzip -1 >"$tmp/big.jsonl.gz"
		local t0 t1 c
		t0=$(now)
		zcat "$tmp/big.jsonl.gz" >/dev/null
		t1=$(now)
		echo "zcat alone: $(awk -v a="$t0" -v b="$t1" -v n="$(cat "$tmp"/shards/*.jsonl | wc -c)" 'BEGIN{printf "%.1f MB/s of JSONL", n/1e6/(b-a)}')"
		printf '%-40s %3s %8s %10s %9s %11s %9s\n' run w seconds docs/s "MB/s" "MB/s/w" "MB/CPU-s"
		local w
		for w in $workers; do
			preset_row fineweb-quality "$tmp/shards" "32 shards" shards "$w"
		done
		for w in $workers; do
			preset_row fineweb-quality "$tmp/big.jsonl.gz" "one .jsonl.gz" big "$w"
		done
		for w in 1 "$(nproc)"; do
			preset_row contentfarm "$tmp/shards" "32 shards" shards "$w"
		done
		rm -rf "$tmp/shards" "$tmp/big.jsonl.gz"

		"$bin" dedup synth --docs "${DEDUP_DOCS:-2000000}" --out "$tmp/unused" | gzip -1 >"$tmp/synth.jsonl.gz"
		for w in 1 "$(nproc)"; do
			t0=$(now); c=$(cpu "$bin" dedup run --quiet --workers "$w" --out "$tmp/dedup-$w" "$tmp/synth.jsonl.gz"); t1=$(now)
			awk -v n="${DEDUP_DOCS:-2000000}" -v w="$w" -v a="$t0" -v b="$t1" -v c="$c" 'BEGIN{printf "dedup run, %d docs, %2d workers: %.2f s, %.0f docs/s, %.0f docs per CPU-second\n", n, w, b-a, n/(b-a), n/c}'
			rm -rf "$tmp/dedup-$w"
		done

		for args in "help" "score $out/story.txt"; do
			local ts=()
			for _ in $(seq 21); do
				t0=$(now); $bin $args >/dev/null 2>&1; t1=$(now)
				ts+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", (b-a)*1e3}')")
			done
			printf '%s\n' "${ts[@]}" | sort -n | awk -v a="winnow $args" '{v[NR]=$1} END{printf "%-40s median %.1f ms, fastest %.1f ms\n", a, v[11], v[1]}'
		done
	} 2>&1 | tee "$res/table.txt"
}

case ${1:-} in
prepare) prepare ;;
run) run ;;
*)
	sed -n '2,11p' "$0" >&2
	exit 2
	;;
esac
