/**
 * Bad input: arbitrary bytes and near-valid mutations at the profile loader
 * and at SQE fields give typed errors or errno CQEs — never an uncaught
 * exception, never a corrupted ring.
 */
import { NullBlk } from '@dio/blockdev';
import { parseProfile, ProfileError } from '@dio/fio';
import { DioFs } from '@dio/fs';
import { iomapFileOperations, WorkqueuePolicy } from '@dio/iomap';
import { cqeSeen, getSqe, type Cqe, peekCqe, queueInitParams, submit, waitCqe, IORING_OP_LAST } from '@dio/io-uring';
import { FdTable, O_DIRECT, O_RDWR } from '@dio/kiocb';
import { Simulator } from '@dio/sim';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const SEED = Number(process.env.FC_SEED ?? 20261124);
const params = { seed: SEED, numRuns: 300, verbose: 1 as const };

describe('profile loader', () => {
  const valid = JSON.stringify({ extends: 'linux-6.5', costs: { syscall: 80 }, device: { write_latency: { kind: 'lognormal', mean: 5000, stddev: 900 } }, sched: { preempt: 'full' } });
  it(`only ProfileError on arbitrary text (seed ${SEED})`, () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (t) => {
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
        files.install(f);
        const seen: Cqe[] = [];
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
        });
        const out = sim.run({ until: 5_000_000_000 });
        expect(out.hung).toEqual([]);
        expect(seen.map((c) => c.userData).sort((a, b) => Number(a - b))).toEqual(list.map((_, i) => BigInt(i)));
        for (const c of seen) expect(Number.isInteger(c.res) && c.res >= -4095).toBe(true);
      }),
      params,
    );
  });
});
