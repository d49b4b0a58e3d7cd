#!/bin/sh
# What each mechanism does to the series' stock -> patched gap, per depth
# (docs/calibration.md, "What shapes the middle depths"): `dio compare` of the
# series' two profiles, then again with one mechanism changed in both.
# Prints a markdown table of the Diff column. About 30 s on 2 idle cores.
# Usage: pnpm --filter @dio/cli mechanisms
set -e
cd "$(dirname "$0")/.."
dio="node ../../scripts/dio.mjs"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
variant() { # name, label, JSON fields changed in both profiles
  for p in linux-6.5 linux-6.6-rc1; do
    printf '{ "extends": "%s", "name": "%s+%s", %s }\n' "$p" "$p" "$1" "$3" > "$tmp/$1-$p.json"
  done
  $dio compare --quiet --format json --profiles "$tmp/$1-linux-6.5.json,$tmp/$1-linux-6.6-rc1.json" > "$tmp/$1.out"
  node -e '
    const j = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const by = {};
    for (const r of j.results) (by[r.qd] ??= []).push(r.iops);
    const cells = Object.keys(by).sort((a, b) => a - b).map((qd) => { const [s, p] = by[qd]; return `${(s / 1e3).toFixed(0)}K → ${(p / 1e3).toFixed(0)}K (${p >= s ? "+" : ""}${((p / s - 1) * 100).toFixed(1)}%)`; });
    console.log(`| ${process.argv[2]} | ${cells.join(" | ")} |`);
  ' "$tmp/$1.out" "$2"
}
echo '| mechanism changed in both profiles | QD1 | QD2 | QD4 | QD8 | QD16 |'
echo '|---|---|---|---|---|---|'
variant base 'none (the shipped profiles)' '"description": "as shipped"'
variant fixedlat 'device latency fixed at its mean (no spread)' '"device": { "write_latency": { "kind": "fixed", "value": 4000 }, "read_latency": { "kind": "fixed", "value": 4000 } }'
variant eevdf 'EEVDF instead of CFS' '"sched": { "fair": "eevdf" }'
variant wakeup0 'CFS wakeup granularity 0 (every wakee preempts)' '"sched": { "wakeupGranularityNs": 0 }'
variant softirq 'completions in softirq, not hardirq' '"device": { "irqmode": "softirq" }'
variant nvme 'an nvme device (doorbells, MSI-X, 6 commands at once)' '"device": { "kind": "nvme", "gb": 1600 }'
variant mqdl 'the mq-deadline scheduler' '"device": { "scheduler": "mq-deadline" }'
