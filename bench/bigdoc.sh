#!/bin/sh
# bench/bigdoc.sh: peak memory with one big document. Writes a 16 MiB
# document (the default --max-doc-bytes) and a 210 MB one (rejected as
# too_large), runs each through the fineweb-quality and fineweb presets,
# and prints wall time and peak RSS. The bound (issue 10): peak RSS <=
# 1 GB + 3x the largest document accepted.
set -eu
cd "$(dirname "$0")/.."
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
go build -o "$dir/winnow" ./cmd/winnow
python3 - "$dir" <<'PY'
import json, random, sys
random.seed(1)
words = "the of and to in a is that for it as was with be by on not he I this are or his from at which but have an they you were her she there been one all we their".split()
sent = [" ".join(random.choice(words) for _ in range(12)).capitalize() + ". " for _ in range(5000)]
def text(n):
    out, size, i = [], 0, 0
    while size < n:
        s = sent[(i * 7919) % len(sent)] if i % 3 else " ".join(random.choice(words) for _ in range(12)) + ". "
        out.append(s); size += len(s); i += 1
    return "".join(out)[:n]
for name, n in (("doc16", 16 << 20), ("doc210", 210 << 20)):
    with open(f"{sys.argv[1]}/{name}.jsonl", "w") as f:
        f.write(json.dumps({"id": name, "text": text(n - 64)}) + "\n")
PY
for doc in doc16 doc210; do
	for preset in fineweb-quality fineweb; do
		/usr/bin/time -f "$doc $preset: wall %e s, peak RSS %M KB" \
			"$dir/winnow" run --quiet --preset "$preset" --out "$dir/out-$doc-$preset" "$dir/$doc.jsonl" >/dev/null || true
	done
done
