#!/usr/bin/env bash
# End-to-end throughput of `winnow run` on the dev corpus for each preset,
# with 1 worker and with every worker, next to `zcat | wc -w` over the same
# bytes as the speed-of-light reference.
#
#   bench/run.sh                      # dev corpus if ../shared exists, else the sample
#   CORPUS=file.jsonl.gz REPEAT=8 bench/run.sh
#   WORKERS="1 2 4 8 16" PRESETS=fineweb-quality bench/run.sh # a scaling table
#
# Presets: fineweb-quality (the four datatrove quality filters), fineweb
# (lang_v1 + the four + slop_v2 tagging) and contentfarm (caption_clean_v1,
# lang_v1, slop_v2).
#
# The corpus is concatenated REPEAT times (default 4) so that a run lasts
# long enough to time. Throughput is MB of document text (stats.json
# text_bytes_in) per wall-clock second, and per CPU-second (user + system,
# every thread: reading, decompression and writing included), which a
# shared or throttled machine disturbs less.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"

[ -x /usr/bin/time ] || { echo "bench/run.sh needs GNU time for CPU seconds (apt-get install time)" >&2; exit 1; }

corpus=${CORPUS:-../shared/data/webtext/webtext-dev.jsonl.gz}
[ -f "$corpus" ] || corpus=testdata/sample/webtext-sample.jsonl.gz
repeat=${REPEAT:-4}
ncpu=$(nproc)
workers=${WORKERS:-"1 $ncpu"}
presets=${PRESETS:-"fineweb-quality fineweb contentfarm"}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/winnow" ./cmd/winnow
for _ in $(seq "$repeat"); do cat "$corpus"; done > "$tmp/corpus.jsonl.gz"
size=$(stat -c %s "$tmp/corpus.jsonl.gz")

now() { date +%s.%N; }
t0=$(now); words=$(zcat "$tmp/corpus.jsonl.gz" | wc -w); t1=$(now)
raw=$(zcat "$tmp/corpus.jsonl.gz" | wc -c)
echo "corpus: $corpus x$repeat ($(awk "BEGIN{printf \"%.1f\", $size/1e6}") MB gzip, $(awk "BEGIN{printf \"%.1f\", $raw/1e6}") MB JSONL, $words words); $ncpu cores"
printf '%-32s %10s %10s %10s %12s %12s %10s\n' run seconds docs/s "MB/s text" "MB/s/worker" "MB/CPU-s" "RSS MB"
awk -v s="$(awk "BEGIN{print $t1-$t0}")" -v raw="$raw" 'BEGIN{printf "%-32s %10.2f %10s %10.1f %12s %12s %10s\n", "zcat | wc -w (reference)", s, "-", raw/1e6/s, "-", "-", "-"}'

for p in $presets; do
for w in $workers; do
  # CPU seconds (user + system) from GNU time, so that a busy or slow
  # machine shows in wall time but not in MB per CPU-second.
  line=$(/usr/bin/time -f "cpu %U %S" -o "$tmp/cpu" "$tmp/winnow" run --quiet --preset "$p" --workers "$w" --out "$tmp/out-$p-$w" "$tmp/corpus.jsonl.gz" | sed -n 1p)
  cpu=$(awk '{print $2 + $3}' "$tmp/cpu")
  # winnow: N docs in (.. MB JSONL, T MB text) in Ss: D docs/s, M MB/s of text, W workers, peak RSS R MB
  echo "$line" | awk -v w="$w" -v p="$p" -v cpu="$cpu" '{
    for (i = 1; i <= NF; i++) {
      if ($(i+1) == "docs/s,") d = $i
      if ($(i+1) == "MB/s") m = $i
      if ($(i) == "RSS") r = $(i+1)
      if ($(i) == "in" && $(i+1) ~ /s:$/) { s = $(i+1); sub(/s:$/, "", s) }
    }
    printf "%-32s %10.2f %10.0f %10.1f %12.1f %12.1f %10s\n", p ", " w " worker" (w == 1 ? "" : "s"), s, d, m, m / w, m * s / cpu, r
  }'
done
done
