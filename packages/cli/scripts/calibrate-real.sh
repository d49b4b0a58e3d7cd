#!/bin/sh
# Regenerates test/fixtures/real/*/calibrated.json: `dio calibrate` on each real
# machine's QD1 and QD16 io_uring results only (the other depths and engines
# are kept back: test/real-machines.test.ts checks the predictions against
# them). Takes about 5 minutes per machine on 2 idle cores.
# Usage: pnpm --filter @dio/cli calibrate:real
set -e
cd "$(dirname "$0")/.."
dio="node ../../scripts/dio.mjs"
for m in test/fixtures/real/*/; do
  m=${m%/}
  $dio calibrate $m/io_uring-qd1[.-]*json $m/io_uring-qd16[.-]*json --profile linux-6.6 --device-kind virtio-blk \
    --starts 8 --evaluations 600 --quiet --out $m/calibrated.json > $m/calibrate-report.txt
  echo "wrote $m/calibrated.json" >&2
done
