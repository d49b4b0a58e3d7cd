/**
 * The fio options of issue 8 on the emulated stack: each parses and has the
 * effect fio gives it, and the report's statistics follow fio's definitions.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { platIdxToVal, platValToIdx } from '@dio/fio';
import { describe, expect, it } from 'vitest';
import { main } from '../src/index';

const dir = mkdtempSync(join(tmpdir(), 'dio-opts-'));

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => (out += `${s}\n`), err: (s) => (err += `${s}\n`), isTTY: false });
  return { code, out, err };
}

interface Lat {
  N: number;
  max: number;
  mean: number;
  percentile?: Record<string, number>;
  bins?: Record<string, number>;
}
interface Dir {
  iops: number;
  total_ios: number;
  runtime: number;
  slat_ns: Lat;
  clat_ns: Lat;
}
interface Job {
  error: number;
  read: Dir;
  write: Dir;
  sync: { total_ios: number };
  iodepth_level: Record<string, number>;
  iodepth_submit: Record<string, number>;
  iodepth_complete: Record<string, number>;
}

let n = 0;
/** Run a one-job file (common options + `extra`) and return jobs[0] of its JSON. */
async function job(extra: string, args: string[] = []): Promise<Job> {
  const f = join(dir, `j${n++}.fio`);
  writeFileSync(f, `[global]\nfilename=f\nsize=64m\nbs=4k\ndirect=1\nioengine=io_uring\ntime_based=1\nruntime=4ms\n[j]\n${extra}\n`);
  const r = await cli('run', f, '--output-format', 'json', ...args);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  return (JSON.parse(r.out) as { jobs: Job[] }).jobs[0] as Job;
}

/** Offsets of the first I/Os (latency log with log_offset=1). */
async function offsets(extra: string, seed: string): Promise<string[]> {
  const prefix = join(dir, `off${n++}`);
  const f = join(dir, `o${n++}.fio`);
  writeFileSync(f, `[j]\nfilename=f\nsize=64m\nbs=4k\ndirect=1\nioengine=io_uring\nrw=randwrite\nnumber_ios=8\nwrite_lat_log=${prefix}\nlog_offset=1\n${extra}\n`);
  expect((await cli('run', f, '--seed', seed)).code).toBe(0);
  return readFileSync(`${prefix}_clat.1.log`, 'utf8').trim().split('\n').map((l) => l.split(', ')[4] ?? '');
}

const sum = (o: Record<string, number>): number => Object.values(o).reduce((a, b) => a + b, 0);

describe('fio options have their effect', () => {
  it('rw and rwmixread pick the directions', async () => {
    const r = await job('rw=randread');
    expect(r.read.total_ios).toBeGreaterThan(0);
    expect(r.write.total_ios).toBe(0);
    const m = await job('rw=randrw\nrwmixread=80');
    const share = m.read.total_ios / (m.read.total_ios + m.write.total_ios);
    expect(share).toBeGreaterThan(0.7);
    expect(share).toBeLessThan(0.9);
  });

  it('bs matters once the default device\'s link binds: 64 KiB writes at QD16 are bandwidth-bound, 4 KiB ones are not', async () => {
    const small = await job('rw=randwrite\niodepth=16\ncpus_allowed=4\nruntime=20ms');
    const big = await job('rw=randwrite\niodepth=16\ncpus_allowed=4\nruntime=20ms\nbs=64k');
    const mibps = (d: Dir, bs: number): number => (d.iops * bs) / 2 ** 20;
    expect(mibps(small.write, 4096)).toBeLessThan(0.6 * 5_900); // CPU-bound, well under the link
    expect(mibps(big.write, 65536)).toBeGreaterThan(0.9 * 5_900); // at the 5,900 MiB/s link
    expect(mibps(big.write, 65536)).toBeLessThanOrEqual(5_900 * 1.01);
    expect(big.write.iops).toBeLessThan(0.2 * small.write.iops);
  });

  it('iodepth and iodepth_batch_submit / _complete shape the depth and batch distributions', async () => {
    const qd1 = await job('rw=randwrite');
    const qd8 = await job('rw=randwrite\niodepth=8');
    expect(qd8.write.iops).toBeGreaterThan(2 * qd1.write.iops);
    expect(qd8.iodepth_level['8']).toBeGreaterThan(10);
    const batch = await job('rw=randwrite\niodepth=8\niodepth_batch_submit=8');
    expect(batch.iodepth_submit['8']).toBeGreaterThan(0);
    expect(qd8.iodepth_submit['8']).toBe(0);
    // fio reaps one completion per getevents by default (iodepth_batch_complete_max = _min = 1)
    expect(qd8.iodepth_complete['4']).toBe(100);
    const comp = await job('rw=randwrite\niodepth=8\niodepth_batch_complete_min=4\niodepth_batch_complete_max=8');
    expect(comp.iodepth_complete['8']).toBeGreaterThan(0);
  });

  it('depth percentages are of the I/Os queued (fio total_io_u): they add up to 100', async () => {
    for (const extra of ['rw=randwrite', 'rw=randwrite\niodepth=16', 'rw=randwrite\nioengine=psync']) {
      const r = await job(extra);
      expect(sum(r.iodepth_level)).toBeGreaterThan(99.5);
      expect(sum(r.iodepth_level)).toBeLessThan(100.5);
      expect(sum(r.iodepth_complete)).toBeCloseTo(100, 3); // psync too: one complete per I/O
      expect(r.write.clat_ns.N).toBe(r.write.total_ios); // in-flight I/Os at the end are reaped and count, as in fio
    }
  });

  it('fsync / fdatasync issue syncs; the sync engines have no slat (fio records none for them)', async () => {
    expect((await job('rw=randwrite\nfsync=4')).sync.total_ios).toBeGreaterThan(0);
    expect((await job('rw=randwrite\nfdatasync=4')).sync.total_ios).toBeGreaterThan(0);
    const ps = await job('rw=randwrite\nioengine=psync');
    expect(ps.write.slat_ns.N).toBe(0);
    expect(ps.write.clat_ns.N).toBeGreaterThan(0);
  });

  it('sqthread_poll sets up an SQPOLL ring (fio drops COOP_TASKRUN / DEFER_TASKRUN) and disables slat', async () => {
    const r = await job('rw=randwrite\ncpus_allowed=0');
    const sq = await job('rw=randwrite\nsqthread_poll\nruntime=20ms');
    expect(sq.error).toBe(0);
    expect(sq.write.total_ios).toBeGreaterThan(0);
    expect(sq.write.slat_ns.N).toBe(0);
    expect(r.write.slat_ns.N).toBeGreaterThan(0);
  });

  it('an SQPOLL ring completes its first I/Os in microseconds under CFS: the forked SQ thread does not starve the completion kworker', async () => {
    // regression: the iou-sqp thread, busy-polling on the CPU its I/O interrupts and dio kworker use,
    // kept the woken kworker off that CPU for a whole CFS slice (first clat ≈ 16 ms)
    for (const extra of ['', 'cpus_allowed=4', 'cpus_allowed=0\nsqthread_poll_cpu=2']) {
      const sq = await job(`rw=randwrite\niodepth=4\nsqthread_poll\nruntime=20ms\n${extra}`, ['--profile', 'linux-6.5']);
      expect(sq.error).toBe(0);
      expect(sq.write.clat_ns.max).toBeLessThan(200_000);
      expect(sq.write.iops).toBeGreaterThan(300_000);
    }
  });

  it('under EEVDF (6.6 on) only the first kworker wake waits, for the first request of the SQ thread (RUN_TO_PARITY, noticed at a tick)', async () => {
    const sq = await job('rw=randwrite\niodepth=4\nsqthread_poll\nruntime=20ms', ['--profile', 'linux-6.6']);
    expect(sq.error).toBe(0);
    expect(sq.write.clat_ns.percentile?.['99.000000']).toBeLessThan(200_000);
    expect(sq.write.clat_ns.max).toBeGreaterThan(1_000_000); // a new task's first request is half a base slice (1.5 ms)
    expect(sq.write.clat_ns.max).toBeLessThan(4_000_000 + 200_000); // ... whose end the 4 ms tick notices
    expect(sq.write.iops).toBeGreaterThan(300_000);
  });

  it('sqthread_poll_cpu pins the SQPOLL thread (SQ_AFF); a CPU the machine lacks fails the ring setup with EINVAL', async () => {
    const f = join(dir, `sqaff${n++}.fio`);
    const out = join(dir, `sqaff${n++}.json`);
    writeFileSync(f, '[j]\nfilename=f\nsize=16m\nbs=4k\ndirect=1\nioengine=io_uring\nrw=randwrite\nsqthread_poll\nsqthread_poll_cpu=3\nnumber_ios=64\ncpus_allowed=0\n');
    expect((await cli('trace', f, '--out', out, '--quiet')).code).toBe(0);
    const ev = (JSON.parse(readFileSync(out, 'utf8')) as { traceEvents: { name: string; ph: string; tid: number }[] }).traceEvents;
    const sqp = ev.filter((e) => e.ph === 'X' && e.name.startsWith('iou-sqp-'));
    expect(sqp.length).toBeGreaterThan(0);
    expect(new Set(sqp.map((e) => e.tid))).toEqual(new Set([3]));
    const bad = join(dir, `sqbad${n++}.fio`);
    writeFileSync(bad, '[j]\nfilename=f\nsize=16m\nbs=4k\ndirect=1\nioengine=io_uring\nrw=randwrite\nsqthread_poll\nsqthread_poll_cpu=99\nnumber_ios=8\n');
    const r = await cli('run', bad, '--output-format', 'json');
    expect(r.code).toBe(1);
    expect(r.err).toContain('EINVAL');
  });

  it('randseed pins the offsets whatever --seed; randrepeat=1 repeats them; randrepeat=0 follows --seed', async () => {
    expect(await offsets('randseed=5', '1')).toEqual(await offsets('randseed=5', '2'));
    // as fio 3.33: with randrepeat=1 (the default) the offset stream is fio's fixed one, whatever randseed
    expect(await offsets('randseed=5', '1')).toEqual(await offsets('randseed=6', '1'));
    expect(await offsets('randrepeat=0\nrandseed=5', '1')).not.toEqual(await offsets('randrepeat=0\nrandseed=6', '1'));
    expect(await offsets('', '1')).toEqual(await offsets('', '2'));
    expect(await offsets('randrepeat=0', '1')).not.toEqual(await offsets('randrepeat=0', '2'));
  });

  it('fallocate / overwrite lay the file out as fio does: unwritten extents lose the completion-policy win', async () => {
    const iops = async (extra: string, profile: string): Promise<number> => (await job(`rw=randwrite\niodepth=4\n${extra}`, ['--profile', profile])).write.iops;
    // the default: an existing, fully written file (pure overwrites), where CALLER_COMP wins
    expect(await iops('', 'linux-6.6-rc1')).toBeGreaterThan(1.05 * (await iops('', 'linux-6.5')));
    // fallocate=native on a new file: unwritten extents, converted at completion on the workqueue by every kernel
    const unwritten = await iops('fallocate=native', 'linux-6.6-rc1');
    expect(unwritten).toBeLessThan(0.8 * (await iops('', 'linux-6.6-rc1')));
    expect(Math.abs(unwritten / (await iops('fallocate=native', 'linux-6.5')) - 1)).toBeLessThan(0.03);
    // overwrite=1 has fio write the file out first
    expect(await iops('fallocate=native\noverwrite=1', 'linux-6.5')).toBe(await iops('', 'linux-6.5'));
    // fallocate=none: a hole, blocks allocated by the writes
    expect(await iops('fallocate=none', 'linux-6.5')).toBeLessThan(unwritten);
  });

  it('ramp_time: only I/O after the ramp counts; the runtime excludes it', async () => {
    const r = await job('rw=randwrite\nramp_time=4ms');
    const plain = await job('rw=randwrite');
    expect(r.write.runtime).toBe(plain.write.runtime);
    expect(Math.abs(r.write.total_ios - plain.write.total_ios) / plain.write.total_ios).toBeLessThan(0.1);
  });
});

describe('fio statistics', () => {
  it('percentiles and json+ bins are fio histogram bucket values (FIO_IO_U_PLAT_BITS = 6)', async () => {
    const f = join(dir, 'plus.fio');
    writeFileSync(f, '[j]\nfilename=f\nsize=64m\nbs=4k\ndirect=1\nioengine=io_uring\niodepth=4\nrw=randwrite\ntime_based=1\nruntime=4ms\npercentile_list=50:99.5\n');
    const r = await cli('run', f, '--output-format', 'json+');
    const w = (JSON.parse(r.out) as { jobs: Job[] }).jobs[0]?.write as Dir;
    expect(Object.keys(w.clat_ns.percentile ?? {})).toEqual(['50.000000', '99.500000']);
    for (const v of Object.values(w.clat_ns.percentile ?? {})) expect(platIdxToVal(platValToIdx(v))).toBe(v);
    const bins = w.clat_ns.bins ?? {};
    expect(sum(bins)).toBe(w.clat_ns.N);
    for (const k of Object.keys(bins)) expect(platIdxToVal(platValToIdx(Number(k)))).toBe(Number(k));
  });

  it('a direction runtime is whole µs rounded up to ms (backend.c update_runtime)', async () => {
    const f = join(dir, 'short.fio');
    writeFileSync(f, '[j]\nfilename=f\nsize=64m\nbs=4k\ndirect=1\nioengine=psync\nrw=randwrite\nnumber_ios=20\n');
    const w = (JSON.parse((await cli('run', f, '--output-format', 'json')).out) as { jobs: Job[] }).jobs[0]?.write as Dir;
    expect(w.runtime).toBe(1); // ~0.13 ms of I/O
    expect(w.iops).toBe(20_000);
  });
});

describe('dio compare arguments', () => {
  it('rejects a bad --runtime and --jobs in one line, exit 1', async () => {
    for (const args of [['--runtime', 'bogus'], ['--runtime', '0'], ['--jobs', 'abc']]) {
      const r = await cli('compare', '--qd', '1', '--quiet', ...args);
      expect(r.code).toBe(1);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(/^dio: --(runtime|jobs): /);
    }
  });
});

describe('progress', () => {
  it('watching a run in slices of simulated time changes nothing in its results', async () => {
    const { parseFioArgs, runJobs, LINUX_6_5, LINUX_6_6_RC1, formatJson } = await import('@dio/fio');
    for (const [profile, qd] of [[LINUX_6_5, 8], [LINUX_6_6_RC1, 1]] as const) {
      const inv = parseFioArgs(['--name=w', '--direct=1', '--size=64m', '--rw=randwrite', '--ioengine=io_uring', `--iodepth=${qd}`, '--time_based', '--runtime=3ms']);
      const seen: number[] = [];
      const a = runJobs(inv.jobs, profile, { seed: 4 });
      const b = runJobs(inv.jobs, profile, { seed: 4, onProgress: (f) => seen.push(f) });
      // (the engine's event count may differ: run-ahead stops at slice ends, the simulated outcome does not)
      expect(formatJson(b.result)).toBe(formatJson(a.result));
      expect(seen.length).toBeGreaterThanOrEqual(99);
      expect(seen.at(-1)).toBe(1);
    }
  });

  it('the bar stays off for runs under a second, off the TTY, and with --quiet', async () => {
    const { progress } = await import('../src/progress');
    let written = '';
    const stream = { isTTY: true, columns: 100, write: (s: string) => ((written += s), true), on: () => stream } as unknown as NodeJS.WritableStream;
    const quick = progress({ isTTY: true }, 10, false, stream);
    quick.update(5);
    quick.stop();
    expect(written).toBe('');
    const slow = progress({ isTTY: true }, 10, false, stream);
    await new Promise((r) => setTimeout(r, 1100));
    slow.update(5);
    slow.stop();
    expect(written).not.toBe('');
    written = '';
    for (const [tty, quiet] of [[false, false], [true, true]] as const) {
      const p = progress({ isTTY: tty }, 10, quiet, stream);
      await new Promise((r) => setTimeout(r, 1100));
      p.update(5);
      p.stop();
    }
    expect(written).toBe('');
  });
});

describe('dio calibrate', () => {
  it('from a profile file, writes a profile that extends a shipped one and loads', async () => {
    const base = join(dir, 'base.json');
    writeFileSync(base, '{"extends":"linux-6.6","device":{"write_cache":true}}');
    const out = join(dir, 'cal.json');
    const fixture = join(__dirname, 'fixtures', 'fio-3.33-randwrite-io_uring-qd4.json');
    expect((await cli('calibrate', fixture, '--profile', base, '--out', out, '--starts', '1', '--evaluations', '2', '--runtime', '2ms', '--quiet')).code).toBe(0);
    expect((JSON.parse(readFileSync(out, 'utf8')) as { extends: string }).extends).toBe('linux-6.6');
    const f = join(dir, 'after-cal.fio');
    writeFileSync(f, '[w]\nsize=16m\nrw=randwrite\ndirect=1\nioengine=io_uring\nnumber_ios=10\n');
    expect((await cli('run', f, '--profile', out)).code).toBe(0);
  });
});
