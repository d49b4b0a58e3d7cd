/**
 * Bad input: arbitrary bytes and near-valid mutations at the job-file parser
 * (and on through a run of the stack), the profile loader and SQE fields
 * give typed errors or errno CQEs — never an uncaught exception, never a
 * corrupted ring. FC_SEED overrides the seed, which is in every test name.
 */
import { NullBlk } from '@dio/blockdev';
import { FioJobError, JobSetupError, LINUX_6_6_RC1, OPTION_DEFS, parseJobFile, parseProfile, ProfileError, runJobs } from '@dio/fio';
import { DioFs } from '@dio/fs';
import { iomapFileOperations, WorkqueuePolicy } from '@dio/iomap';
import { cqeSeen, getSqe, type Cqe, peekCqe, prepWrite, queueInitParams, sqeSetData64, submit, waitCqe, IORING_OP_LAST } from '@dio/io-uring';
import { FdTable, O_DIRECT, O_RDWR } from '@dio/kiocb';
import { Simulator } from '@dio/sim';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const SEED = Number(process.env.FC_SEED ?? 20261124);
const params = { seed: SEED, numRuns: 300, verbose: 1 as const };

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');
/** Arbitrary bytes, read as text either way a loader might. */
const bytes = fc.tuple(fc.uint8Array({ maxLength: 300 }), fc.boolean()).map(([b, l]) => (l ? latin1 : utf8).decode(b));

describe('job-file parser, and a run of what it accepts', () => {
  const onlyFioJobError = (t: string): ReturnType<typeof parseJobFile> | null => {
    try {
      return parseJobFile(t, 'j.fio');
    } catch (e) {
      if (!(e instanceof FioJobError)) throw e;
      expect(e.message).toMatch(/^j\.fio(:\d+)?: /);
      return null;
    }
  };
  it(`only FioJobError on arbitrary bytes (seed ${SEED})`, () => {
    fc.assert(fc.property(bytes, (t) => void onlyFioJobError(t)), params);
    fc.assert(fc.property(bytes, (t) => void onlyFioJobError(`[w]\n${t}`)), params);
  });
  // near-valid: a short runnable job with options swapped in from fio's own table (run-length options stay fixed)
  const BASE = ['[global]', 'size=1m', 'runtime=100us', 'time_based', '[w]', 'rw=randwrite', 'bs=4k', 'direct=1', 'ioengine=io_uring', 'iodepth=4'];
  const NAMES = OPTION_DEFS.map((o) => o.name).filter((n) => !/size|runtime|time|ios|loops|numjobs|filename|log|ramp|offset|nrfiles/.test(n));
  const VALUES = ['0', '1', '2', '3', '4', '7', '64', '4k', '512', '513', '8k', '1m', '-1', '', 'x', 'randwrite', 'write', 'read', 'randrw', 'trim', 'io_uring', 'libaio', 'psync', 'pvsync2', 'sync', 'dsync', 'none', 'native', 'posix', 'keep', '0-1', '1,0', '4k,8k', '50', '100', '101'];
  const edit = fc.oneof(
    fc.tuple(fc.constantFrom(...NAMES), fc.constantFrom(...VALUES)).map(([n, v]) => `${n}=${v}`),
    fc.constantFrom(...NAMES),
    fc.constantFrom('[w2]', '[global]', 'rw=randwrite', 'ioengine=libaio', 'ioengine=psync', 'hipri=1', 'sqthread_poll=1', 'fixedbufs=1', 'sync=dsync', 'fsync=1'),
  );
  it(`near-valid job files: FioJobError, JobSetupError or a result (seed ${SEED})`, () => {
    const seen = { rejected: 0, ran: 0, setup: 0 };
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: BASE.length }), edit), { minLength: 1, maxLength: 4 }), fc.nat(), (edits, seed) => {
        const lines = [...BASE];
        for (const [at, e] of edits) lines.splice(at, 0, e);
        const jobs = onlyFioJobError(lines.join('\n'));
        if (jobs === null) seen.rejected++;
        if (jobs === null || jobs.length > 3 || jobs.some((j) => j.numjobs > 1 || j.runtimeNs > 100_000)) return;
        try {
          const out = runJobs(jobs, LINUX_6_6_RC1, { seed, timestampMs: 0 });
          expect(out.result.jobs.length).toBe(jobs.length);
          seen.ran++;
        } catch (e) {
          if (!(e instanceof JobSetupError || e instanceof FioJobError)) throw e;
          seen.setup++;
        }
      }),
      { ...params, numRuns: 150 },
    );
    // both sides were reached: some mutations rejected, some run through the whole stack
    expect(seen.rejected).toBeGreaterThan(10);
    expect(seen.ran).toBeGreaterThan(10);
  });
});

describe('profile loader', () => {
  const valid = JSON.stringify({ extends: 'linux-6.5', costs: { syscall: 80 }, device: { write_latency: { kind: 'lognormal', mean: 5000, stddev: 900 } }, sched: { preempt: 'full' } });
  it(`only ProfileError on arbitrary bytes (seed ${SEED})`, () => {
    fc.assert(
      fc.property(fc.oneof(bytes, fc.string({ maxLength: 200 })), (t) => {
        try {
          parseProfile(t, 'p.json');
        } catch (e) {
          expect(e).toBeInstanceOf(ProfileError);
        }
      }),
      params,
    );
  });
  it(`only ProfileError on near-valid mutations (seed ${SEED})`, () => {
    fc.assert(
      fc.property(fc.nat({ max: valid.length - 1 }), fc.string({ minLength: 0, maxLength: 4 }), fc.nat({ max: 3 }), (at, ins, del) => {
        const t = valid.slice(0, at) + ins + valid.slice(at + del);
        try {
          const p = parseProfile(t, 'p.json');
          expect(typeof p.name).toBe('string');
        } catch (e) {
          expect(e).toBeInstanceOf(ProfileError);
          expect((e as Error).message).toMatch(/^p\.json: /);
        }
      }),
      params,
    );
  });
});

describe('SQE fields', () => {
  const sqeArb = fc.record({
    opcode: fc.oneof(fc.constantFrom(0, 1, 2, 3, 4, 5, 17, 22, 23), fc.integer({ min: -5, max: IORING_OP_LAST + 5 })),
    flags: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 255 })),
    fd: fc.oneof(fc.constant(3), fc.integer({ min: -2, max: 10 })),
    off: fc.oneof(fc.constantFrom(0, 4096, -1), fc.integer({ min: -10, max: 1 << 22 })),
    len: fc.oneof(fc.constantFrom(4096, 0), fc.integer({ min: -1, max: 1 << 17 })),
    addr: fc.oneof(fc.constant(0), fc.integer({ min: -1, max: 1 << 20 })),
    bufIndex: fc.integer({ min: -1, max: 3 }),
    opFlags: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xff })),
    withBuf: fc.boolean(),
  });
  it(`every SQE, however broken, gets exactly one CQE with a result or -errno (seed ${SEED})`, () => {
    fc.assert(
      fc.property(fc.array(sqeArb, { minLength: 1, maxLength: 12 }), (list) => {
        const sim = new Simulator({ seed: 1, cpus: 2 });
        const fs = new DioFs(sim, new NullBlk(sim, { gb: 1 }), { fops: iomapFileOperations(new WorkqueuePolicy()) });
        fs.create('/f', 1 << 22, 'written');
        const files = new FdTable();
        const f = fs.open('/f', O_RDWR | O_DIRECT);
        if (typeof f === 'number') throw new Error('open');
        const fd = files.install(f);
        const seen: Cqe[] = [];
        let goodWrite = false;
        sim.spawn('app', function* () {
          const r = yield* queueInitParams(16, {}, { files, kernel: { dioCallerComp: false } });
          if (typeof r === 'number') throw new Error('setup');
          list.forEach((x, i) => {
            const s = getSqe(r);
            if (s === null) return;
            Object.assign(s, { opcode: x.opcode, flags: x.flags, fd: x.fd, off: x.off, len: x.len, addr: x.addr, bufIndex: x.bufIndex, opFlags: x.opFlags, buf: x.withBuf && x.len > 0 ? new Uint8Array(x.len) : null, userData: BigInt(i) });
          });
          let left = list.length;
          while (left > 0) {
            const n = yield* submit(r);
            if (n <= 0) break;
            left -= n;
          }
          while (seen.length < list.length) {
            const c = yield* waitCqe(r);
            if (typeof c === 'number') throw new Error(`wait ${c}`);
            seen.push(c);
            cqeSeen(r, c);
          }
          expect(peekCqe(r)).toBeNull();
          // the ring still works: one good write goes through and is the only CQE
          const s = getSqe(r);
          if (s === null) throw new Error('SQ ring full after the bad batch');
          prepWrite(s, fd, new Uint8Array(4096).fill(7), 4096, 8192, 0x1000);
          sqeSetData64(s, 999);
          expect(yield* submit(r)).toBe(1);
          const ok = yield* waitCqe(r);
          if (typeof ok === 'number') throw new Error(`wait ${ok}`);
          expect([ok.userData, ok.res]).toEqual([999n, 4096]);
          cqeSeen(r, ok);
          expect(peekCqe(r)).toBeNull();
          expect(r.ctx.sq.tail - r.ctx.sq.head).toBe(0);
          expect(r.ctx.cq.tail - r.ctx.cq.head).toBe(0);
          expect(r.ctx.overflowList).toEqual([]);
          goodWrite = true;
        });
        const out = sim.run({ until: 5_000_000_000 });
        expect(out.hung).toEqual([]);
        expect(goodWrite).toBe(true);
        expect(seen.map((c) => c.userData).sort((a, b) => Number(a - b))).toEqual(list.map((_, i) => BigInt(i)));
        for (const c of seen) expect(Number.isInteger(c.res) && c.res >= -4095).toBe(true);
      }),
      params,
    );
  });
});
