/**
 * Scenario matrix: for each policy and each case, which context ran the
 * completion, what the device saw (FUA, FLUSH), the final i_size and data.
 */
import { EIO, IovIter, O_DSYNC, O_SYNC } from '@dio/kiocb';
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
  /** expected completion context per policy ('kworker' = a kworker task, 'issuer' = the issuer's task_work) */
  readonly where: Record<PolicyName, 'hardirq' | 'kworker' | 'issuer'>;
  readonly fua?: boolean;
  readonly flush?: boolean;
  readonly finalSize?: number;
  readonly res?: number;
}

const CASES: Case[] = [
  { name: 'pure overwrite', layout: 'written', size: 16 * BS, pos: 4 * BS, where: { workqueue: 'kworker', caller: 'issuer', inline: 'hardirq' }, fua: false, flush: false },
  { name: 'unwritten extent', layout: 'unwritten', size: 16 * BS, pos: 4 * BS, where: { workqueue: 'kworker', caller: 'kworker', inline: 'kworker' }, finalSize: 16 * BS },
  { name: 'hole inside i_size', layout: 'hole', size: 16 * BS, pos: 4 * BS, where: { workqueue: 'kworker', caller: 'kworker', inline: 'kworker' }, finalSize: 16 * BS },
  { name: 'extending write', layout: 'written', size: 4 * BS, pos: 4 * BS, where: { workqueue: 'kworker', caller: 'kworker', inline: 'kworker' }, finalSize: 5 * BS },
  { name: 'O_DSYNC, FUA device', layout: 'written', size: 16 * BS, pos: 0, flags: O_DSYNC, dev: { fua: true, write_cache: true }, where: { workqueue: 'kworker', caller: 'issuer', inline: 'hardirq' }, fua: true, flush: false },
  { name: 'O_DSYNC, cache without FUA', layout: 'written', size: 16 * BS, pos: 0, flags: O_DSYNC, dev: { fua: false, write_cache: true }, where: { workqueue: 'kworker', caller: 'kworker', inline: 'kworker' }, fua: false, flush: true },
  { name: 'O_DSYNC, no volatile cache', layout: 'written', size: 16 * BS, pos: 0, flags: O_DSYNC, dev: { fua: false, write_cache: false }, where: { workqueue: 'kworker', caller: 'issuer', inline: 'hardirq' }, flush: false },
  { name: 'O_SYNC', layout: 'written', size: 16 * BS, pos: 0, flags: O_SYNC, dev: { fua: true, write_cache: true }, where: { workqueue: 'kworker', caller: 'kworker', inline: 'kworker' }, fua: false, flush: true },
  { name: 'page cache present', layout: 'written', size: 16 * BS, pos: 0, pageCache: true, where: { workqueue: 'kworker', caller: 'issuer', inline: 'kworker' } },
  { name: 'I/O error', layout: 'written', size: 16 * BS, pos: 0, badblocks: true, where: { workqueue: 'kworker', caller: 'issuer', inline: 'kworker' }, res: -EIO },
];

function run(st: Stack, c: Case, callerComp: boolean): AsyncResult {
  const { file, inode } = openFile(st, '/f', c.size, c.layout, c.flags ?? 0);
  if (c.pageCache) inode.iMapping.cacheRange(0, 2 * BS);
  if (c.badblocks) {
    // fail the device sectors backing the written block
    const ext = inode.extents.lookup(c.pos / BS);
    if (ext.kind !== 'extent') throw new Error('no extent');
    const sector = ((ext.ext.diskBlock + (c.pos / BS - ext.ext.fileBlock)) * BS) / 512;
    st.dev.badblocks.store(`+${sector}-${sector + 7}`);
  }
  const out: AsyncResult = { res: NaN, kiCompleteIn: '', handedBack: false };
  st.sim.spawn('issuer', asyncWrite(file, pattern(BS, 3), c.pos, callerComp, out), { cpusAllowed: [0] });
  const r = st.sim.run();
  expect(r.hung).toEqual([]);
  return out;
}

describe.each(['workqueue', 'caller', 'inline'] as const)('%s policy', (policy) => {
  for (const c of CASES) {
    it(c.name, () => {
      const st = makeStack(mk(policy), c.dev ?? {}, { trace: true });
      const out = run(st, c, policy === 'caller');
      const where = lastCompletion(st.sim);
      const expected = c.where[policy];
      if (expected === 'hardirq') expect(where).toBe('hardirq');
      else if (expected === 'kworker') expect(where).toMatch(/^task:kworker\/0:/);
      else expect(where).toBe('task:issuer');
      expect(out.handedBack).toBe(expected === 'issuer');
      expect(out.res).toBe(c.res ?? BS);
      if (c.fua !== undefined) expect(st.fuaWrites() > 0).toBe(c.fua);
      if (c.flush !== undefined) expect(st.flushes() > 0).toBe(c.flush);
      const ino = st.fs.lookup('/f');
      if (c.finalSize !== undefined) expect(ino?.iSize).toBe(c.finalSize);
      expect(ino?.iDioCount).toBe(0);
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
