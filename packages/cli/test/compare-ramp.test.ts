// `dio compare --ramp-time`: fio's ramp_time per point, and the header's precision note.
import { LINUX_6_5, LINUX_6_6_RC1, LINUX_6_19 } from '@dio/fio';
import { describe, expect, it } from 'vitest';
import { COMPARE_DEFAULTS, compareCell, precisionNote } from '../src/compare';
import { main } from '../src/index';

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => (out += `${s}\n`), err: (s) => (err += `${s}\n`), isTTY: false });
  return { code, out, err };
}

describe('dio compare --ramp-time', () => {
  it('rejects a bad value in one line, exit 1', async () => {
    const r = await cli('compare', '--qd', '1', '--quiet', '--ramp-time', 'bogus');
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toEqual(["dio: --ramp-time: 'bogus' is not a time"]);
  });

  it('--ios counts I/Os after the ramp (number_ios), --runtime runs for a time; not both', async () => {
    const r = await cli('compare', '--qd', '4', '--quiet', '--ios', '3000', '--ramp-time', '1ms', '--format', 'json', '--profiles', 'linux-6.5');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as Record<string, unknown>;
    expect(j.number_ios).toBe(3000);
    expect(j.runtime_ns).toBeUndefined();
    const both = await cli('compare', '--qd', '1', '--quiet', '--ios', '3000', '--runtime', '3ms');
    expect(both.code).toBe(1);
    expect(both.err.trim().split('\n')).toEqual(['dio: --ios and --runtime both set how long each point runs: give one of them']);
    const big = await cli('compare', '--qd', '1', '--quiet', '--ios', '300000');
    expect(big.err.trim()).toBe("dio: --ios: '300000' must be an integer in 1..262144");
  });

  it('measures after the ramp: the same cell without a ramp counts the start-up transient', () => {
    const o = { engine: 'io_uring', length: { runtime: '2ms' }, seed: 1 } as const;
    const cold = compareCell(16, LINUX_6_5, { ...o, rampTime: '0' });
    const ramped = compareCell(16, LINUX_6_5, { ...o, rampTime: '10ms' });
    // the first ms of a run are fast (an idle machine filling its queue): the ramp leaves them out
    expect(cold.iops).toBeGreaterThan(ramped.iops * 1.02);
  });

  it('states the precision only where the test proves it: default ramp and I/O count, io_uring, the series pair', () => {
    const d = { rampTime: COMPARE_DEFAULTS.rampTime, length: { ios: COMPARE_DEFAULTS.ios }, engine: 'io_uring', profiles: [LINUX_6_5, LINUX_6_6_RC1] } as const;
    expect(precisionNote(d)).toBe(' (±0.3% of steady state)');
    expect(precisionNote({ ...d, length: { runtime: '1s' } })).toBe('');
    expect(precisionNote({ ...d, length: { ios: 5000 } })).toBe('');
    expect(precisionNote({ ...d, rampTime: '0' })).toBe('');
    expect(precisionNote({ ...d, engine: 'libaio' })).toBe('');
    expect(precisionNote({ ...d, profiles: [LINUX_6_5, LINUX_6_19] })).toBe('');
  });
});
