/**
 * Scenario matrix: for each policy and each case, which context ran the
 * completion, what the device saw (FUA, FLUSH), the final i_size and data.
 */
import { REQ_OP_WRITE } from '@dio/blockdev';
import { EIO, IovIter, O_DIRECT, O_DSYNC, O_RDWR, O_SYNC } from '@dio/kiocb';
import { pread } from '@dio/fs';
import { describe, expect, it } from 'vitest';
import { CallerPolicy, type CompletionPolicy, InlinePolicy, WorkqueuePolicy } from '../src/index';
import { type AsyncResult, asyncWrite, lastCompletion, makeStack, openFile, pattern, type Stack } from './harness';

const BS = 4096;
type PolicyName = 'workqueue' | 'caller' | 'inline';
const mk = (p: PolicyName): CompletionPolicy => (p === 'workqueue' ? new WorkqueuePolicy() : p === 'caller' ? new CallerPolicy() : new InlinePolicy());

interface Case {
  readonly name: string;
  readonly layout: 'written' | 'unwritten' | 'hole';
  readonly size: number;
  readonly pos: number;
  readonly flags?: number;
  readonly dev?: Record<string, unknown>;
  readonly pageCache?: boolean;
  readonly badblocks?: boolean;
  readonly shared?: boolean;
  /** expected completion context per policy ('kworker' = a kworker task, 'issuer' = the issuer's task_work) */
  readonly where: Record<PolicyName, 'hardirq' | 'kworker' | 'issuer'>;
  /** REQ_FUA on the data write, per policy */
  readonly fua: Record<PolicyName, boolean>;
  /** any cache flush (REQ_OP_FLUSH or a PREFLUSH log write) */
  readonly flush: boolean;
  /** a log force (PREFLUSH|FUA log write) */
  readonly logForce: boolean;
  readonly finalSize: number;
  readonly res: number;
}

const all = <T,>(v: T): Record<PolicyName, T> => ({ workqueue: v, caller: v, inline: v });
const KW = all<'kworker'>('kworker');
const OVERWRITE = { workqueue: 'kworker', caller: 'issuer', inline: 'hardirq' } as const;
const NO_FUA = all(false);
const FUA = all(true);

const CASES: Case[] = [
  { name: 'pure overwrite', layout: 'written', size: 16 * BS, pos: 4 * BS, where: OVERWRITE, fua: NO_FUA, flush: false, logForce: false, finalSize: 16 * BS, res: BS },
  { name: 'unwritten extent', layout: 'unwritten', size: 16 * BS, pos: 4 * BS, where: KW, fua: NO_FUA, flush: false, logForce: false, finalSize: 16 * BS, res: BS },
  { name: 'hole inside i_size', layout: 'hole', size: 16 * BS, pos: 4 * BS, where: KW, fua: NO_FUA, flush: false, logForce: false, finalSize: 16 * BS, res: BS },
  { name: 'extending write', layout: 'written', size: 4 * BS, pos: 4 * BS, where: KW, fua: NO_FUA, flush: false, logForce: false, finalSize: 5 * BS, res: BS },
  { name: 'O_DSYNC, FUA device', layout: 'written', size: 16 * BS, pos: 0, flags: O_DSYNC, dev: { fua: true, write_cache: true }, where: OVERWRITE, fua: FUA, flush: false, logForce: false, finalSize: 16 * BS, res: BS },
  { name: 'O_DSYNC, cache without FUA', layout: 'written', size: 16 * BS, pos: 0, flags: O_DSYNC, dev: { fua: false, write_cache: true }, where: KW, fua: NO_FUA, flush: true, logForce: false, finalSize: 16 * BS, res: BS },
  { name: 'O_DSYNC, no volatile cache', layout: 'written', size: 16 * BS, pos: 0, flags: O_DSYNC, dev: { fua: false, write_cache: false }, where: OVERWRITE, fua: FUA, flush: false, logForce: false, finalSize: 16 * BS, res: BS },
  { name: 'O_DSYNC into an unwritten extent', layout: 'unwritten', size: 16 * BS, pos: 0, flags: O_DSYNC, dev: { fua: true, write_cache: true }, where: KW, fua: NO_FUA, flush: true, logForce: true, finalSize: 16 * BS, res: BS },
  { name: 'O_SYNC', layout: 'written', size: 16 * BS, pos: 0, flags: O_SYNC, dev: { fua: true, write_cache: true }, where: KW, fua: NO_FUA, flush: true, logForce: false, finalSize: 16 * BS, res: BS },
  { name: 'page cache present', layout: 'written', size: 16 * BS, pos: 0, pageCache: true, where: { workqueue: 'kworker', caller: 'issuer', inline: 'kworker' }, fua: NO_FUA, flush: false, logForce: false, finalSize: 16 * BS, res: BS },
  { name: 'shared (reflink) extent: COW', layout: 'written', size: 16 * BS, pos: 4 * BS, shared: true, where: { workqueue: 'kworker', caller: 'issuer', inline: 'kworker' }, fua: NO_FUA, flush: false, logForce: false, finalSize: 16 * BS, res: BS },
  { name: 'I/O error', layout: 'written', size: 16 * BS, pos: 0, badblocks: true, where: { workqueue: 'kworker', caller: 'issuer', inline: 'kworker' }, fua: NO_FUA, flush: false, logForce: false, finalSize: 16 * BS, res: -EIO },
];

interface Ran {
  readonly out: AsyncResult;
  /** where iomap_dio_complete of the write ran */
  readonly where: string;
  /** what a sync O_DIRECT read of the written range returned */
  readonly back: Uint8Array;
  readonly readRet: number;
}

function run(st: Stack, c: Case, callerComp: boolean): Ran {
  const inode = st.fs.create('/f', c.size, c.layout, { shared: c.shared ?? false });
  const f = st.fs.open('/f', O_RDWR | O_DIRECT | (c.flags ?? 0));
  if (typeof f === 'number') throw new Error(`open: ${f}`);
  if (c.pageCache) inode.iMapping.cacheRange(0, 2 * BS);
  if (c.badblocks) {
    // fail the device sectors backing the written block
    const ext = inode.extents.lookup(c.pos / BS);
    if (ext.kind !== 'extent') throw new Error('no extent');
    const sector = ((ext.ext.diskBlock + (c.pos / BS - ext.ext.fileBlock)) * BS) / 512;
    st.dev.badblocks.store(`+${sector}-${sector + 7}`);
  }
  const out: AsyncResult = { res: NaN, kiCompleteIn: '', handedBack: false };
  const back = new Uint8Array(BS);
  let where = '';
  let readRet = NaN;
  st.sim.spawn(
    'issuer',
    function* () {
      yield* asyncWrite(f, pattern(BS, 3), c.pos, callerComp, out);
      where = lastCompletion(st.sim);
      readRet = yield* pread(f, IovIter.ubuf(back, BS), c.pos);
    },
    { cpusAllowed: [0] },
  );
  const r = st.sim.run();
  expect(r.hung).toEqual([]);
  return { out, where, back, readRet };
}

describe.each(['workqueue', 'caller', 'inline'] as const)('%s policy', (policy) => {
  for (const c of CASES) {
    it(c.name, () => {
      const st = makeStack(mk(policy), c.dev ?? {}, { trace: true });
      const { out, where, back, readRet } = run(st, c, policy === 'caller');
      // which context ran the completion
      const expected = c.where[policy];
      if (expected === 'hardirq') expect(where).toBe('hardirq');
      else if (expected === 'kworker') expect(where).toMatch(/^task:kworker\/0:/);
      else expect(where).toBe('task:issuer');
      expect(out.handedBack).toBe(expected === 'issuer'); // task_work: io_req_rw_complete ran dio_complete
      expect(out.res).toBe(c.res);
      // what the device saw
      const dataWrites = st.seen.filter((b) => b.op === REQ_OP_WRITE && !b.preflush);
      expect(dataWrites.some((b) => b.fua)).toBe(c.fua[policy]);
      expect(st.flushes() > 0).toBe(c.flush);
      expect(st.fs.journal.forces > 0).toBe(c.logForce);
      // final i_size and data
      const ino = st.fs.lookup('/f');
      expect(ino?.iSize).toBe(c.finalSize);
      expect(ino?.iDioCount).toBe(0);
      if (c.res > 0) {
        expect(readRet).toBe(BS);
        expect(back).toEqual(pattern(BS, 3));
        const ext = ino?.extents.lookup(c.pos / BS);
        expect(ext?.kind === 'extent' && ext.ext.state).toBe('written');
        expect(ext?.kind === 'extent' && ext.ext.shared).toBe(false);
      } else expect(readRet).toBe(-EIO); // the bad sectors fail the read too; nothing was written
      if (c.pageCache) expect(ino?.iMapping.nrpages).toBe(1); // page 0 invalidated after the write, page 1 kept
    });
  }

  it('data written reads back (sync pread after async writes)', () => {
    const st = makeStack(mk(policy));
    const { file } = openFile(st, '/d', 8 * BS, 'hole');
    const data = pattern(2 * BS, 9);
    const back = new Uint8Array(2 * BS);
    let got = 0;
    const out: AsyncResult = { res: 0, kiCompleteIn: '', handedBack: false };
    st.sim.spawn('rw', function* () {
      yield* asyncWrite(file, data, 2 * BS, policy === 'caller', out);
      got = yield* pread(file, IovIter.ubuf(back, back.length), 2 * BS);
    });
    st.sim.run();
    expect(out.res).toBe(2 * BS);
    expect(got).toBe(2 * BS);
    expect(back).toEqual(data);
  });
});
