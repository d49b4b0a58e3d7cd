/**
 * Option definitions for `FioJob.pace`: ordering (stonewall, new_group,
 * wait_for, startdelay, exitall, exitall_on_error), rate (rate, rate_iops,
 * rate_min, rate_iops_min, rate_process, ratecycle) and think time.
 * @module
 */
import type { JobFields } from '../draft';
import { def, intIn, type OptionDef } from '../option-def';
import { zChoice, zFlag, zParsed, zValue } from '../schemas';
import { parseInteger, parseSize, parseTimeNs, type KbBase, type Parsed } from '../units';
import type { PerDdir } from '../gen/io-options';
import type { FioPaceOptions } from './pace-options';

function setPace(f: JobFields, patch: Partial<FioPaceOptions>): void {
  f.pace = { ...f.pace, ...patch };
}

// fio's FIO_OPT_INT/STR_VAL with off1..off3: "r[,w[,t]]"; an empty slot keeps 0
function triple(one: (s: string) => Parsed<number>) {
  return (raw: string): Parsed<PerDdir<number>> => {
    const parts = raw.split(',');
    if (parts.length > 3) return { ok: false, error: `'${raw}' has more than three comma-separated values` };
    const v: number[] = [];
    for (const p of parts) {
      if (p.trim() === '') {
        v.push(0);
        continue;
      }
      const r = one(p);
      if (!r.ok) return r;
      v.push(r.value);
    }
    const r0 = v[0] ?? 0;
    return { ok: true, value: parts.length === 1 ? [r0, r0, r0] : [r0, v[1] ?? 0, v[2] ?? 0] };
  };
}

const rateBytes = (kb: KbBase) => zParsed(triple((s) => parseSize(s, kb)));
const rateCount = () => zParsed(triple(parseInteger));
/** fio times whose bare number is in microseconds (thinktime, startdelay's sub-options). */
const usec = () => zParsed((s) => parseTimeNs(s, 'us'));
const secs = () => zParsed((s) => parseTimeNs(s, 's'));

/** The options of this group. */
export const PACE_OPTION_DEFS: readonly OptionDef[] = [
  def('stonewall', () => zFlag, (f, v) => setPace(f, { stonewall: v }), { aliases: ['wait_for_previous'], bare: true }),
  def('new_group', () => zFlag, (f, v) => setPace(f, { newGroup: v }), { bare: true }),
  def('wait_for', () => zValue, (f, v) => setPace(f, { waitFor: v })),
  def('startdelay', secs, (f, v) => setPace(f, { startdelayNs: v })),
  def('exitall', () => zFlag, (f, v) => setPace(f, { exitall: v }), { bare: true }),
  def('exitall_on_error', () => zFlag, (f, v) => setPace(f, { exitallOnError: v }), { bare: true }),
  def('rate', rateBytes, (f, v) => setPace(f, { rate: v })),
  def('rate_iops', rateCount, (f, v) => setPace(f, { rateIops: v })),
  def('rate_min', rateBytes, (f, v) => setPace(f, { rateMin: v }), { aliases: ['ratemin'] }),
  def('rate_iops_min', rateCount, (f, v) => setPace(f, { rateIopsMin: v })),
  def('rate_process', () => zChoice({ linear: 'linear', poisson: 'poisson' } as const), (f, v) => setPace(f, { rateProcess: v })),
  def('ratecycle', () => zParsed((s) => parseTimeNs(s, 'ms')), (f, v) => setPace(f, { ratecycleNs: v })),
  def('thinktime', usec, (f, v) => setPace(f, { thinktimeNs: v })),
  def('thinktime_spin', usec, (f, v) => setPace(f, { thinktimeSpinNs: v })),
  def('flow', () => intIn(0), (f, v) => setPace(f, { flow: v })),
  def('flow_id', () => intIn(0), (f, v) => setPace(f, { flowId: v })),
  def('flow_sleep', usec, (f, v) => setPace(f, { flowSleepNs: v })),
  // fio 3.33's token-based flow control no longer reads the watermark
  def('flow_watermark', () => intIn(0), () => undefined),
  // fio's default; offload would add submitter threads dio does not run
  def('io_submit_mode', () => zChoice({ inline: 'inline' } as const, { offload: 'io_submit_mode=offload is not supported: dio runs fio\'s inline submission (remove it)' }), () => undefined),
  def('thinktime_blocks', () => zParsed(parseInteger), (f, v) => setPace(f, { thinktimeBlocks: Math.max(1, v) })),
];
