/**
 * stat.c: show_ddir_status(), display_lat() and show_clat_percentiles() —
 * the per-direction block of fio's normal report.
 * @module
 */
import { cFloat, cInt, cStr } from './cfmt';
import { ddirRuntimeMs } from './dist';
import { percentOfAgg, perSecond, type GroupStats } from './group-stats';
import { num2str } from './num2str';
import type { Ddir, JobResult, LatencySource } from './result';

/** fio's default `significant_figures`: num2str's maxlen. */
export const SIG_FIGS = 4;

/** stat.c: display_lat() — one slat / clat / lat line with fio's unit choice. */
export function displayLat(name: string, src: LatencySource): string {
  let min = Math.trunc(src.min);
  let max = Math.trunc(src.max);
  let mean = src.mean;
  let dev = src.stddev;
  let base = '(nsec)';
  if (min > 1_000_000 && mean > 1_000_000 && dev > 1_000_000) {
    min = Math.floor(min / 1_000_000);
    max = Math.floor(max / 1_000_000);
    mean /= 1_000_000;
    dev /= 1_000_000;
    base = '(msec)';
  } else if (min > 1000 && mean > 1000 && dev > 1000) {
    min = Math.floor(min / 1000);
    max = Math.floor(max / 1000);
    mean /= 1000;
    dev /= 1000;
    base = '(usec)';
  }
  const minp = num2str(min, 6, 1, false, 'none');
  const maxp = num2str(max, 6, 1, false, 'none');
  return `    ${name} ${base}: min=${minp}, max=${maxp}, avg=${cFloat(mean, 5, 2)}, stdev=${cFloat(dev, 5, 2)}\n`;
}

/** stat.c: show_clat_percentiles() — the `|  1.00th=[   41], ...` block. */
export function showPercentiles(src: LatencySource, list: readonly number[], precision: number, pre: string): string {
  if (src.count === 0 || list.length === 0) return '';
  const plist = [...list].sort((a, b) => a - b);
  const vals = plist.map((p) => Math.round(src.percentile(p)));
  const minv = Math.min(...vals);
  const maxv = Math.max(...vals);
  let scale = 0;
  let divisor = 1;
  let unit = 'nsec';
  if (minv > 2_000_000 && maxv > 99_999_999) {
    scale = 2;
    divisor = 1_000_000;
    unit = 'msec';
  } else if (minv > 2000 && maxv > 99_999) {
    scale = 1;
    divisor = 1000;
    unit = 'usec';
  }
  let out = `    ${pre} percentiles (${unit}):\n`;
  const q = Math.floor(maxv / divisor);
  const timeWidth = Math.max(5, q > 0 ? Math.floor(Math.log10(q) + 1) : 0);
  const perLine = Math.floor((80 - 7) / (precision + 10 + timeWidth));
  for (let j = 0; j < plist.length; j++) {
    if (j % perLine === 0) out += '     |';
    const last = j === plist.length - 1;
    let v = vals[j] ?? 0;
    for (let i = 0; i < scale; i++) v = Math.floor((v + 999) / 1000);
    out += ` ${cFloat(plist[j] ?? 0, precision + 3, precision)}th=[${cInt(v, timeWidth)}]${last ? '\n' : ','}`;
    if (last) break;
    if (j % perLine === perLine - 1) out += '\n';
  }
  return out;
}

/** stat.c: show_ddir_status() for read / write / trim. */
export function showDdirStatus(r: JobResult, d: Ddir, g: GroupStats | undefined): string {
  const x = r[d];
  const runt = ddirRuntimeMs(x.runtimeNs);
  if (runt === 0) return '';
  const i2p = (r.kbBase & (r.kbBase - 1)) === 0;
  const bw = perSecond(x.ioBytes, runt);
  const ioP = num2str(x.ioBytes, SIG_FIGS, 1, i2p, 'byte');
  const bwP = num2str(bw, SIG_FIGS, 1, i2p, 'bytepersec');
  const bwAlt = num2str(bw, SIG_FIGS, 1, !i2p, 'bytepersec');
  const iops = perSecond(x.totalIos, runt);
  const iopsP = num2str(iops, SIG_FIGS, 1, false, 'none');
  let out = `  ${d}: IOPS=${iopsP}, BW=${bwP} (${bwAlt})(${ioP}/${runt}msec)\n`;
  if (x.slat.count > 0) out += displayLat('slat', x.slat);
  if (x.clat.count > 0) out += displayLat('clat', x.clat);
  if (x.lat.count > 0) out += displayLat(' lat', x.lat);
  const list = r.percentileList;
  if (r.slatPercentiles) out += showPercentiles(x.slat, list, r.percentilePrecision, 'slat');
  if (r.clatPercentiles) out += showPercentiles(x.clat, list, r.percentilePrecision, 'clat');
  if (r.latPercentiles) out += showPercentiles(x.lat, list, r.percentilePrecision, ' lat');
  if (x.bw.samples > 0) {
    const kb = r.kbBase;
    let unit = i2p ? 'KiB' : 'kB';
    let { min, max, mean, stddev: dev } = x.bw;
    const per = percentOfAgg(g?.dirs[d].agg ?? 0, mean);
    if (mean > kb * kb) {
      min /= kb;
      max /= kb;
      mean /= kb;
      dev /= kb;
      unit = 'MiB';
    }
    out += `   bw (${cStr(unit, 5)}/s): min=${cInt(min, 5)}, max=${cInt(max, 5)}, per=${cFloat(per, 3, 2)}%, avg=${cFloat(mean, 5, 2)}, stdev=${cFloat(dev, 5, 2)}, samples=${x.bw.samples}\n`;
  }
  if (x.iops.samples > 0) {
    const s = x.iops;
    out += `   iops        : min=${cInt(s.min, 5)}, max=${cInt(s.max, 5)}, avg=${cFloat(s.mean, 5, 2)}, stdev=${cFloat(s.stddev, 5, 2)}, samples=${s.samples}\n`;
  }
  return out;
}

/** show_ddir_status() for DDIR_SYNC: fsync / fdatasync latencies. */
export function showSyncStatus(r: JobResult): string {
  const s = r.sync.lat;
  if (s.count === 0) return '';
  let out = '  fsync/fdatasync/sync_file_range:\n';
  out += displayLat('sync', s);
  out += showPercentiles(s, r.percentileList, r.percentilePrecision, 'sync');
  return out;
}
