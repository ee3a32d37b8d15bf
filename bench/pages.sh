#!/usr/bin/env bash
# The detector on labelled pages of your own: every *.txt file of each
# directory is scored with `winnow score` (slop_v2, its calibrated
# threshold), and the script prints, per directory, how many were flagged,
# then the ones on the wrong side with their score, P(machine) and top
# reasons. The project's own real pages are kept out of the repository
# (they are third-party web text); this is how they were measured.
#
#   bench/pages.sh farm=pages/farm human=pages/human
#   THRESHOLD=0.8 bench/pages.sh farm=pages/farm human=pages/human
#
# A label "human" (or one starting with "human") is expected not flagged;
# any other label is expected flagged.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"
[ $# -gt 0 ] || { sed -n '2,12p' "$0" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/winnow" ./cmd/winnow
flags=()
[ -n "${THRESHOLD:-}" ] && flags+=(--slop-threshold "$THRESHOLD")

for arg in "$@"; do
  label=${arg%%=*}
  dir=${arg#*=}
  [ -d "$dir" ] || { echo "pages.sh: $dir is not a directory" >&2; exit 2; }
  shopt -s nullglob
  files=("$dir"/*.txt)
  [ ${#files[@]} -gt 0 ] || { echo "pages.sh: no .txt files in $dir" >&2; exit 2; }
  # One process per directory: the models load once.
  "$tmp/winnow" score "${flags[@]}" --format json "${files[@]}" | python3 -c '
import json, sys
label, d = sys.argv[1], sys.argv[2]
for line in sys.stdin:
    r = json.loads(line)
    s = r["slop"]
    reasons = ",".join(x["signal"] for x in s["reasons"][:3])
    print(label, d + "/" + r["id"], int(r["flagged"]), s["score"], s["p_machine"], reasons, sep="\t")
' "$label" "$dir"
done > "$tmp/scores.tsv"

python3 - "$tmp/scores.tsv" <<'PY'
import collections, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
by = collections.OrderedDict()
for r in rows:
    by.setdefault(r[0], []).append(r)
for label, rs in by.items():
    human = label.startswith("human")
    flagged = sum(int(r[2]) for r in rs)
    print(f"{label}: {flagged} of {len(rs)} flagged ({100 * flagged / len(rs):.1f}%)")
    for r in rs:
        if int(r[2]) == human:
            print(f"  {'false positive' if human else 'missed'}: {r[1]}  score {float(r[3]):.3f}  P(machine) {float(r[4]):.3f}  {r[5]}")
PY
