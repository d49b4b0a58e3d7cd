#!/usr/bin/env bash
# Records what real fio 3.33 writes with verify= and what it prints when a
# read-back block is bad. Run on a real file system (not tmpfs), e.g.
#   SCRATCH=/work/tmp-fio/verify bash record.sh
# Blocks: the first two 4 KiB blocks of a 16 KiB sequential write (thread 1, default seeds).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out="$here/fixtures"
s=${SCRATCH:-/tmp/fio-verify}
mkdir -p "$s" "$out"
write() { # name, extra options...
  local n=$1; shift
  rm -f "$s/$n"
  fio --name=w --filename="$s/$n" --size=16k --bs=4k --rw=write --direct=1 --ioengine=psync "$@" --output-format=terse >/dev/null
  head -c 8192 "$s/$n" > "$out/$n.bin"
}
write crc32c --verify=crc32c
write md5 --verify=md5
write sha1 --verify=sha1
write sha256 --verify=sha256
write meta --verify=meta
write pattern-nohdr --verify=pattern --verify_pattern=0xdeadbeef
write pattern-hdr --verify_pattern=0x0102
write md5-pattern --verify=md5 --verify_pattern=0x0102
write crc32c-i1k --verify=crc32c --verify_interval=1024
write crc32c-off64 --verify=crc32c --verify_offset=64
# verify_only of damaged copies: the messages (stderr) and the error in the JSON
poke() { printf "$2" | dd of="$1" bs=1 seek="$3" conv=notrunc 2>/dev/null; }
check() { # name, file, extra options...
  local n=$1 f=$2; shift 2
  fio --name=w --filename="$f" --size=16k --bs=4k --rw=write --direct=1 --ioengine=psync --verify_only=1 "$@" --output-format=json >"$s/$n.json" 2>"$out/$n.stderr" || true
  # fio prints its "fio: pid=..., err=84/..." line on stdout, before the JSON
  python3 -c "
import json,sys
t=open(sys.argv[1]).read(); i=t.index('{')
j=json.loads(t[i:])['jobs'][0]
print('error', j['error'], 'reads', j['read']['total_ios'])
print(t[:i].replace('pid=', 'pid=').strip())" "$s/$n.json" | sed -E 's/pid=[0-9]+/pid=N/' >"$out/$n.result"
}
cp "$s/crc32c" "$s/bad-crc"; poke "$s/bad-crc" '\x55' $((4096 + 100)); check bad-crc "$s/bad-crc" --verify=crc32c
cp "$s/crc32c" "$s/bad-magic"; poke "$s/bad-magic" '\x55\x55' 8192; check bad-magic "$s/bad-magic" --verify=crc32c
cp "$s/crc32c" "$s/lost"; dd if=/dev/zero of="$s/lost" bs=4096 seek=1 count=1 conv=notrunc 2>/dev/null; check lost "$s/lost" --verify=crc32c
cp "$s/md5" "$s/bad-md5"; poke "$s/bad-md5" '\x55' $((4096 + 100)); check bad-md5 "$s/bad-md5" --verify=md5
cp "$s/crc32c-i1k" "$s/bad-i1k"; poke "$s/bad-i1k" '\x55' $((4096 + 100)); poke "$s/bad-i1k" '\x55' $((4096 + 2048 + 100))
check bad-i1k "$s/bad-i1k" --verify=crc32c --verify_interval=1024
check bad-i1k-fatal "$s/bad-i1k" --verify=crc32c --verify_interval=1024 --verify_fatal=1
cp "$s/pattern-nohdr" "$s/bad-pattern"; poke "$s/bad-pattern" '\x55' $((4096 + 101)); check bad-pattern "$s/bad-pattern" --verify=pattern --verify_pattern=0xdeadbeef
