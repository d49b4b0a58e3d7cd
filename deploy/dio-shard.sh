#!/usr/bin/env bash
# Run one shard of a dio command and write its shard document for `dio merge`.
#
#   deploy/dio-shard.sh [dio command and arguments]     (default: the soak, fuzz --seeds 100000)
#
# The shard index (from 0) is the first of DIO_SHARD_INDEX, JOB_COMPLETION_INDEX
# (a Kubernetes Indexed Job) and SLURM_ARRAY_TASK_ID (a Slurm array); the count
# is DIO_SHARD_COUNT, else SLURM_ARRAY_TASK_COUNT. The document goes to
# $DIO_OUT/<command>-<i>-of-<n>.json (DIO_OUT defaults to results). DIO is the
# dio command (default: node scripts/dio.mjs, from the repository root).
# DIO_DRY_RUN=1 prints the command and the output file instead of running it.
# Exit status is dio's: 1 when a fuzz shard found failing seeds (its document
# is written all the same) or on a usage error.
set -euo pipefail

index="${DIO_SHARD_INDEX:-${JOB_COMPLETION_INDEX:-${SLURM_ARRAY_TASK_ID:-}}}"
count="${DIO_SHARD_COUNT:-${SLURM_ARRAY_TASK_COUNT:-}}"
if [[ -z "$index" || -z "$count" ]]; then
  echo "dio-shard: set the shard index (DIO_SHARD_INDEX, JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID) and the count (DIO_SHARD_COUNT or SLURM_ARRAY_TASK_COUNT)" >&2
  exit 2
fi
if [[ $# -eq 0 ]]; then set -- fuzz --seeds 100000; fi
read -r -a dio <<< "${DIO:-node scripts/dio.mjs}"
out="${DIO_OUT:-results}"
file="$out/$1-$index-of-$count.json"
cmd=("${dio[@]}" "$@" --format json --quiet --shard "$index/$count")

if [[ -n "${DIO_DRY_RUN:-}" ]]; then
  printf '%s > %s\n' "${cmd[*]}" "$file"
  exit 0
fi
mkdir -p "$out"
"${cmd[@]}" > "$file"
