#!/usr/bin/env bash
# Measure this machine with real fio: the 4 KiB O_DIRECT randwrite matrix that
# `dio calibrate` takes, as in ../docs/guides/calibrate.md. Needs fio (Debian:
# apt-get install -y fio) and a directory on a real disk (not tmpfs); run it
# with the machine otherwise idle. Writes one fio JSON per run and machine.md.
#
#   scripts/measure-real.sh --dir /data/fio --out measured/ [--runtime 5] [--reps 3]
#       [--qd 1,2,4,8,16] [--engines io_uring,libaio,psync] [--cpu N]
#
# psync runs at QD1 only (a synchronous engine has one I/O in flight). Runs
# alternate their order between repetitions, so drift does not favour one
# point. --cpu pins fio (default: the CPU that takes most of the disk's
# request interrupts, else 0), as the series pinned fio to the interrupt's CPU.
set -euo pipefail

dir='' out='' runtime=5 reps=3 qds='1,2,4,8,16' engines='io_uring,libaio,psync' cpu=''
die() { echo "measure-real: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir="${2:-}"; shift 2 ;;
    --out) out="${2:-}"; shift 2 ;;
    --runtime) runtime="${2:-}"; shift 2 ;;
    --reps) reps="${2:-}"; shift 2 ;;
    --qd) qds="${2:-}"; shift 2 ;;
    --engines) engines="${2:-}"; shift 2 ;;
    --cpu) cpu="${2:-}"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) die "unknown argument '$1' (--help)" ;;
  esac
done
[ -n "$dir" ] || die 'give --dir, a directory on the disk to measure'
[ -n "$out" ] || die 'give --out, the directory for the fio JSON results'
command -v fio >/dev/null || die 'fio is not installed (Debian: apt-get install -y fio)'
[[ "$runtime" =~ ^[0-9]+$ && "$reps" =~ ^[0-9]+$ && "$reps" -ge 1 ]] || die '--runtime and --reps are positive integers'
mkdir -p "$dir" "$out"
[ "$(stat -f -c %T "$dir")" != tmpfs ] || die "$dir is on tmpfs: O_DIRECT needs a real disk"

# the block device under $dir, and the CPU its request interrupts go to
src=$(df --output=source "$dir" | tail -1)
disk=$(lsblk -no pkname "$src" 2>/dev/null | head -1); disk=${disk:-$(basename "$src")}
if [ -z "$cpu" ]; then
  dev=$(basename "$(readlink -f "/sys/block/$disk/device" 2>/dev/null || true)")
  cpu=$(awk -v d="$dev" 'd != "" && $NF ~ "^"d"-req" { best = -1; for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) if ($i > best) { best = $i; c = i - 2 } print c; exit }' /proc/interrupts)
  cpu=${cpu:-0}
fi

file="$dir/dio-measure.1g"
if [ ! -f "$file" ] || [ "$(stat -c %s "$file")" -ne $((1024 * 1024 * 1024)) ]; then
  echo "measure-real: writing a 1 GiB file of random data to $file" >&2
  dd if=/dev/urandom of="$file" bs=1M count=1024 oflag=direct status=none
fi

IFS=, read -r -a qd_list <<<"$qds"
IFS=, read -r -a engine_list <<<"$engines"
points=()
for e in "${engine_list[@]}"; do
  case "$e" in
    io_uring|libaio) for q in "${qd_list[@]}"; do points+=("$e:$q"); done ;;
    psync) points+=("psync:1") ;;
    *) die "engine '$e': io_uring, libaio or psync" ;;
  esac
done

for ((r = 1; r <= reps; r++)); do
  order=("${points[@]}")
  if ((r % 2 == 0)); then for ((i = 0, j = ${#order[@]} - 1; i < j; i++, j--)); do t=${order[i]}; order[i]=${order[j]}; order[j]=$t; done; fi
  for p in "${order[@]}"; do
    e=${p%%:*} q=${p##*:}
    extra=()
    [ "$e" = io_uring ] && extra=(--hipri=0 --registerfiles=0 --fixedbufs=0)
    res="$out/$e-qd$q-r$r.json"
    echo "measure-real: $e QD$q repetition $r -> $res" >&2
    fio --name=w --filename="$file" --size=1g --fallocate=none --overwrite=1 --norandommap=1 --randrepeat=0 \
      --rw=randwrite --bs=4k --direct=1 --time_based=1 --runtime="$runtime" --cpus_allowed="$cpu" \
      --ioengine="$e" --iodepth="$q" "${extra[@]}" --output-format=json --output="$res"
  done
done

q=/sys/block/$disk/queue
{
  echo "# Machine measured by scripts/measure-real.sh on $(date -u +%Y-%m-%d)"
  echo
  echo "- Kernel: $(uname -r) ($(uname -m)); CPUs: $(nproc), $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
  echo "- Memory: $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)"
  echo "- Disk: /dev/$disk ($(cat "/sys/block/$disk/device/model" 2>/dev/null || readlink -f "/sys/block/$disk/device/driver" | xargs basename)), scheduler $(cat $q/scheduler), nr_requests $(cat $q/nr_requests), hardware queues $(ls -d /sys/block/$disk/mq/* 2>/dev/null | wc -l), write cache $(cat $q/write_cache), FUA $(cat $q/fua 2>/dev/null || echo ?), logical block $(cat $q/logical_block_size), physical $(cat $q/physical_block_size)"
  echo "- Filesystem under $dir: $(df --output=fstype "$dir" | tail -1)"
  echo "- fio $(fio --version | sed 's/^fio-//') pinned to CPU $cpu; $runtime s per run, $reps repetitions, order alternated"
} >"$out/machine.md"
echo "measure-real: wrote ${#points[@]} points x $reps repetitions and machine.md to $out" >&2
