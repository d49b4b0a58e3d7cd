import { describe, expect, it } from 'vitest';
import { checkFioArgs, parseFioArgs } from './parse-args';
import { parseJobFile } from './parse-job-file';

const files: Record<string, string> = {
  'a.fio': '[global]\nioengine=net\nsize=4m\nfoo=1\n[a]\nrw=write\nzonemode=zbd\n[b]\ndirect=1\nverify=xxhash\n[c]\ndirect=1\nioengine=psync\n',
  'ok.fio': '[global]\ndirect=1\nsize=4m\n[x]\nrw=write\n[y]\nrw=randwrite\nruntime=10s\n',
  'buf.fio': '[global]\nbuffered=1\nsize=4m\n[x]\n[y]\ndirect=1\n',
};
const readFile = (p: string): string => {
  const t = files[p];
  if (t === undefined) throw new Error('ENOENT');
  return t;
};

describe('refusals', () => {
  it('--parse-only lists every problem of a file, by line, each at the line that sets it', () => {
    const { errors } = checkFioArgs(['--parse-only', 'a.fio'], { readFile });
    expect(errors.map((e) => e.message)).toEqual([
      'a.fio:2: ioengine=net: network I/O is not emulated (dio models a local block device); use ioengine=io_uring, libaio, psync, pvsync2 or sync',
      "a.fio:4: bad option <foo=1>: fio has no option 'foo'",
      'a.fio:7: zonemode=zbd: zoned block devices are not emulated: remove zonemode (or set zonemode=none)',
      "a.fio:10: invalid value 'xxhash' for option 'verify': verify=xxhash is not implemented by dio: use crc32c, md5, sha1, sha256, meta or pattern",
    ]);
  });

  it('a plain parse throws the first of them', () => {
    expect(() => parseFioArgs(['a.fio'], { readFile })).toThrow(/^a\.fio:2: ioengine=net:/);
    expect(() => parseJobFile(files['a.fio'] ?? '', 'a.fio')).toThrow(/^a\.fio:2: ioengine=net:/);
  });

  it('buffered I/O is refused at the line that asks for it, from [global] too, or at the job when it is the default', () => {
    const { errors } = checkFioArgs(['buf.fio'], { readFile });
    expect(errors.map((e) => e.message)).toEqual(['buf.fio:2: buffered=1: buffered I/O is not emulated (dio models the O_DIRECT path): set direct=1']);
    const cli = checkFioArgs(['--name=w', '--size=1m']);
    expect(cli.errors.map((e) => e.message)).toEqual([
      "command line:1: direct=0 (fio's default; job 'w' does not set direct): buffered I/O is not emulated (dio models the O_DIRECT path): add direct=1",
    ]);
  });

  it('accepts and echoes the host-only options it ignores, with their values checked', () => {
    const [j] = parseJobFile('[w]\nsize=1m\ndirect=1\ninvalidate=1\nmem=mmaphuge:/hugetlbfs/x\nclocksource=cpu\n', 'w.fio');
    expect(j?.options.map((o) => o.name)).toEqual(['size', 'direct', 'invalidate', 'mem', 'clocksource']);
    expect(() => parseJobFile('[w]\nsize=1m\nclocksource=tsc\n', 'w.fio')).toThrow(/^w\.fio:3: invalid value 'tsc' for option 'clocksource'/);
  });

  it("an engine's own option is refused with another engine, as fio's Bad option", () => {
    expect(() => parseJobFile('[w]\nsize=1m\nioengine=libaio\nport=8888\n', 'w.fio')).toThrow("w.fio:4: port=8888: option 'port' (of ioengine=net, netsplice, rdma) is not implemented by dio: remove it");
  });
});

describe('bounded runs on the command line', () => {
  it('--runtime before the first --name caps every job, job files included; --section keeps only those sections', () => {
    const inv = parseFioArgs(['--runtime=1s', '--section', 'y', 'ok.fio'], { readFile });
    expect(inv.jobs.map((j) => [j.name, j.runtimeNs])).toEqual([['y', 1e9]]);
    const all = parseFioArgs(['--runtime', '20s', 'ok.fio'], { readFile });
    expect(all.jobs.map((j) => [j.name, j.runtimeNs])).toEqual([
      ['x', 20e9],
      ['y', 10e9],
    ]);
    expect(all.globalOptions).toEqual([
      { name: 'runtime', value: '20s' },
      { name: 'direct', value: '1' },
      { name: 'size', value: '4m' },
    ]);
  });

  it('global command-line options apply under a job file, its own [global] on top; --parse-only is reported', () => {
    const inv = parseFioArgs(['--bs=8k', '--size=1m', '--parse-only', 'ok.fio'], { readFile });
    expect(inv.jobs.map((j) => [j.bs.write, j.size])).toEqual([
      [8192, 4 * 2 ** 20],
      [8192, 4 * 2 ** 20],
    ]);
    expect(inv.parseOnly).toBe(true);
  });
});
