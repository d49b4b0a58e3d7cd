/** 3 seeds × 2 runs: byte-identical fio JSON and trace output. */
import { formatJson, LINUX_6_5, LINUX_6_6_RC1, parseFioArgs, runJobs } from '@dio/fio';
import { toChromeTrace, toFtraceText } from '@dio/sim';
import { describe, expect, it } from 'vitest';

const ENGINES = ['io_uring', 'libaio', 'psync'] as const;

function once(seed: number): { json: string; trace: string; text: string } {
  // each seed its own engine, so all three issuers are covered
  const inv = parseFioArgs(['--name=d', '--size=64m', '--rw=randwrite', '--bs=4k', '--direct=1', `--ioengine=${ENGINES[seed % 3] ?? 'io_uring'}`, '--iodepth=8', '--time_based=1', '--runtime=2ms']);
  const out = runJobs(inv.jobs, seed % 2 === 0 ? LINUX_6_5 : LINUX_6_6_RC1, { seed, trace: true, timestampMs: 1_700_000_000_000 });
  const recs = out.stack.sim.tracer.records;
  return { json: formatJson(out.result), trace: JSON.stringify(toChromeTrace(recs, { cpus: out.stack.sim.cpus.length })), text: toFtraceText(recs) };
}

describe('determinism', () => {
  it.each([1, 2, 3])('seed %i: two runs give identical bytes', (seed) => {
    const a = once(seed);
    const b = once(seed);
    expect(a.json).toBe(b.json);
    expect(a.trace).toBe(b.trace);
    expect(a.text).toBe(b.text);
    expect(a.json.length).toBeGreaterThan(1000);
    expect(a.text.split('\n').length).toBeGreaterThan(100);
  });

  it('different seeds give different runs', () => {
    expect(once(1).trace).not.toBe(once(3).trace);
  });
});
