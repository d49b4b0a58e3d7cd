/**
 * fio's per-engine options (engines/io_uring.c, engines/libaio.c,
 * engines/sync.c ioengine options, plus numa_*), kept in `FioJob.engineOpts`:
 * `nonvectored`, `force_async`, `hipri_percentage` change what fio asks the
 * kernel for; `cmdprio*` and `numa_*` are accepted and cannot change a dio
 * result (dio's block layer has no I/O scheduler reading priorities, and one
 * memory node).
 * @module
 */
import type { JobFields } from '../draft';
import { def, intIn, type OptionDef } from '../option-def';
import { zFlag, zParsed, zValue } from '../schemas';
import { parseInteger, type Parsed } from '../units';

/** The engine options of a job. */
export interface FioEngineOptions {
  /** io_uring `nonvectored` (fio's default -1: probe, which picks non-vectored READ/WRITE on every kernel dio models). */
  readonly nonvectored: -1 | 0 | 1;
  /** io_uring `force_async`: every Nth SQE gets IOSQE_ASYNC (0 = never). */
  readonly forceAsync: number;
  /** pvsync2 `hipri_percentage` (default 100): share of I/Os with RWF_HIPRI when `hipri` is set. */
  readonly hipriPercentage: number;
  /** io_uring / libaio `cmdprio_percentage`, `cmdprio_class`, `cmdprio`, `cmdprio_bssplit` as written. */
  readonly cmdprio: Readonly<Record<string, string>>;
  /** `numa_cpu_nodes` / `numa_mem_policy` as written. */
  readonly numa: Readonly<Record<string, string>>;
  /** libaio `userspace_reap`: with iodepth_batch_complete_min=0, read the AIO ring in user space instead of calling io_getevents. */
  readonly userspaceReap: boolean;
}

/** fio's defaults. */
export const DEFAULT_ENGINE_OPTIONS: FioEngineOptions = { nonvectored: -1, forceAsync: 0, hipriPercentage: 100, cmdprio: {}, numa: {}, userspaceReap: false };

function setEngine(f: JobFields, patch: Partial<FioEngineOptions>): void {
  f.engineOpts = { ...f.engineOpts, ...patch };
}

// fio's FIO_OPT_INT with off1..off2 "<read>[,<write>]", each in [min, max]
const pair = (min: number, max: number) => (raw: string): Parsed<string> => {
  for (const p of raw.split(',')) {
    const r = parseInteger(p);
    if (!r.ok) return r;
    if (r.value < min || r.value > max) return { ok: false, error: `${r.value} is outside ${min}-${max}` };
  }
  return raw.split(',').length <= 2 ? { ok: true, value: raw.trim() } : { ok: false, error: `'${raw}' has more than two values (read,write)` };
};

const CMDPRIO_ENGINES = ['io_uring', 'libaio'] as const;

/** The options of this group. */
export const ENGINE_OPTION_DEFS: readonly OptionDef[] = [
  def('nonvectored', () => zParsed((s): Parsed<-1 | 0 | 1> => (s.trim() === '0' ? { ok: true, value: 0 } : s.trim() === '1' ? { ok: true, value: 1 } : s.trim() === '-1' ? { ok: true, value: -1 } : { ok: false, error: `'${s}' is not -1, 0 or 1` })), (f, v) => setEngine(f, { nonvectored: v }), { engines: ['io_uring'] }),
  def('force_async', () => intIn(0), (f, v) => setEngine(f, { forceAsync: v }), { engines: ['io_uring'] }),
  def('hipri_percentage', () => intIn(0, 100), (f, v) => setEngine(f, { hipriPercentage: v }), { engines: ['pvsync2'] }),
  ...(['cmdprio_percentage', 'cmdprio_class', 'cmdprio'] as const).map((name) =>
    def(name, () => zParsed(pair(0, name === 'cmdprio_percentage' ? 100 : name === 'cmdprio_class' ? 3 : 7)), (f, v) => setEngine(f, { cmdprio: { ...f.engineOpts.cmdprio, [name]: v } }), { engines: CMDPRIO_ENGINES }),
  ),
  def('cmdprio_bssplit', () => zValue, (f, v) => setEngine(f, { cmdprio: { ...f.engineOpts.cmdprio, cmdprio_bssplit: v } }), { engines: CMDPRIO_ENGINES }),
  def('userspace_reap', () => zFlag, (f, v) => setEngine(f, { userspaceReap: v }), { bare: true, engines: ['libaio'] }),
  def('numa_cpu_nodes', () => zValue, (f, v) => setEngine(f, { numa: { ...f.engineOpts.numa, numa_cpu_nodes: v } })),
  def('numa_mem_policy', () => zValue, (f, v) => setEngine(f, { numa: { ...f.engineOpts.numa, numa_mem_policy: v } })),
];
