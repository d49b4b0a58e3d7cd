/**
 * `dio sweep --set opt=v1,v2`: the swept fio options, validated by fio's own
 * option parser, their cartesian product, and a job file with one point of
 * it applied to every job.
 * @module
 */
import { type FioJob, FioJobError, parseJobFile } from '@dio/fio';
import { UsageError } from './errors';

/** One `--set opt=v1,v2,…`: an fio option and the values it takes, in order. */
export interface SetAxis {
  readonly option: string;
  readonly values: readonly string[];
}

/** One point of the product: `[option, value]` per axis, in axis order. */
export type SetPoint = readonly (readonly [string, string])[];

/** Throws `e` again located at `--set <arg>` (fio's reason and option kept), unless it only says "no jobs". */
function rethrowAtSet(e: unknown, arg: string): void {
  if (!(e instanceof FioJobError)) throw e;
  if (e.line === 0 && e.option === undefined) return; // the probe's "no jobs defined": the option itself is fine
  throw new FioJobError(`--set ${arg}`, 0, e.reason, e.option);
}

/**
 * Parses the `--set` arguments. Every value goes through fio's option parser
 * (as a `[global]` option of an empty job file), so a bad name or value gives
 * the usual `FioJobError` naming the option, located at `--set …`.
 */
export function parseSetArgs(args: readonly string[]): SetAxis[] {
  const axes: SetAxis[] = [];
  for (const arg of args) {
    const eq = arg.indexOf('=');
    const option = eq < 0 ? '' : arg.slice(0, eq).trim();
    const values = eq < 0 ? [] : arg.slice(eq + 1).split(',').map((v) => v.trim());
    if (option === '' || values.length === 0 || values.includes('')) throw new UsageError(`--set: '${arg}' must be option=value[,value…]`);
    if (/[\s;#[\]]/.test(option) || values.some((v) => /[\n\r;#]/.test(v))) throw new UsageError(`--set: '${arg}' has characters a job file line cannot hold`);
    if (axes.some((a) => a.option === option)) throw new UsageError(`--set: option '${option}' given twice`);
    for (const v of values) {
      try {
        parseJobFile(`[global]\n${option}=${v}\n`, '--set');
      } catch (e) {
        rethrowAtSet(e, arg);
      }
    }
    axes.push({ option, values });
  }
  return axes;
}

/** The cartesian product of the axes, the first axis varying slowest (one empty point when there are none). */
export function setProduct(axes: readonly SetAxis[]): SetPoint[] {
  let points: SetPoint[] = [[]];
  for (const a of axes) points = points.flatMap((p) => a.values.map((v) => [...p, [a.option, v] as const]));
  return points;
}

/** `iodepth=4 bs=16k`: a point as the user wrote it. */
export function pointLabel(point: SetPoint): string {
  return point.map(([o, v]) => `${o}=${v}`).join(' ');
}

/**
 * The job file with `point` applied: its options appended to every job
 * section (a job's own last setting wins, over `[global]` too). `origin[i]` is
 * the original line of the result's line i+1, or 0 for an added line.
 */
export function applyPoint(text: string, point: SetPoint): { readonly text: string; readonly origin: readonly number[] } {
  const lines = text.split(/\r\n|\n|\r/);
  const added = point.map(([o, v]) => `${o}=${v}`);
  const out: string[] = [];
  const origin: number[] = [];
  let inJob = false;
  const closeSection = (): void => {
    if (!inJob) return;
    out.push(...added);
    origin.push(...added.map(() => 0));
  };
  lines.forEach((line, i) => {
    const header = /^\s*\[([^\]]*)\]/.exec(line);
    if (header !== null) {
      closeSection();
      inJob = (header[1] ?? '').trim() !== 'global';
    }
    out.push(line);
    origin.push(i + 1);
  });
  closeSection();
  return { text: out.join('\n'), origin };
}

/**
 * Parses the job file at one point of the sweep. An error on an added line is
 * located at `--set`; one elsewhere at the original file and line, saying
 * which point it came with.
 */
export function parsePoint(text: string, file: string, point: SetPoint): FioJob[] {
  const v = applyPoint(text, point);
  try {
    return parseJobFile(v.text, file);
  } catch (e) {
    if (!(e instanceof FioJobError) || point.length === 0) throw e;
    const line = e.line > 0 ? (v.origin[e.line - 1] ?? 0) : 0;
    if (e.line > 0 && line === 0) throw new FioJobError(`--set ${pointLabel(point)}`, 0, e.reason, e.option);
    throw new FioJobError(file, line, `${e.reason} (with --set ${pointLabel(point)})`, e.option);
  }
}
