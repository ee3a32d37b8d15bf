#!/bin/sh
# bench/hostile.sh: winnow run --preset fineweb-full over 80 hostile HTML
# pages of 512 KB (41 MB; made by extract's hostilePages, see
# extract/hostile_test.go): wall time, CPU seconds and peak RSS. The
# budget (issue 10): <= 20 s and <= 1 GB on 2 cores.
set -eu
cd "$(dirname "$0")/.."
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
go build -o "$dir/winnow" ./cmd/winnow
WINNOW_HOSTILE_DIR="$dir/pages" go test -count=1 -run TestWriteHostilePages ./extract >/dev/null
/usr/bin/time -f "wall %e s, cpu %U+%S s, peak RSS %M KB" \
	"$dir/winnow" run --quiet --preset fineweb-full --out "$dir/out" "$dir/pages" || true
python3 -c "import json,sys; s=json.load(open(sys.argv[1])); print('in', s['in']['docs'], 'kept', s['kept']['docs'], 'removed', s['removed']['docs'], 'counters', s.get('counters'), [ (f['name'], f['reasons']) for f in s['filters'] if f['reasons']][:2])" "$dir/out/stats.json"
