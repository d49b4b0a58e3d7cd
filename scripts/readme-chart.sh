#!/usr/bin/env bash
# Regenerates the README's main-job chart (docs/img/main-job.png): the default
# `dio compare` (4 KiB randwrite, io_uring, QD 1-16, 500 ms per point, seed 1)
# plotted with the report's chart specs and rendered to PNG in-process.
set -euo pipefail
cd "$(dirname "$0")/.."
node scripts/dio.mjs compare --quiet --plot docs/img/main-job.png
