/**
 * The fixed look of every kernel in every chart: a colour, a dash pattern and
 * a marker shape keyed by profile name, so a kernel looks the same in every
 * report whatever else is plotted with it, and lines stay apart in greyscale.
 * Colours are Okabe–Ito (colour-blind safe).
 * @module
 */

/** How one kernel is drawn. */
export interface SeriesStyle {
  readonly color: string;
  readonly dash: readonly number[];
  readonly shape: string;
}

/** The shipped profiles: fixed for good. */
const SHIPPED: Readonly<Record<string, SeriesStyle>> = {
  'linux-6.5': { color: '#D55E00', dash: [], shape: 'circle' },
  'linux-6.6-rc1': { color: '#0072B2', dash: [6, 3], shape: 'square' },
  'linux-6.6': { color: '#E69F00', dash: [2, 2], shape: 'triangle-up' },
  'linux-6.19': { color: '#009E73', dash: [8, 3, 2, 3], shape: 'diamond' },
};

/** Any other profile name picks from these by a hash of the name (the same name, the same look). */
const OTHER_COLORS = ['#CC79A7', '#56B4E9', '#000000', '#999999', '#882255', '#44AA99'];
const OTHER_DASHES: readonly (readonly number[])[] = [[4, 2], [1, 3], [10, 4], [6, 2, 1, 2], [3, 3, 8, 3]];
const OTHER_SHAPES = ['triangle-down', 'cross', 'triangle-left', 'triangle-right', 'wedge', 'stroke'];

/** FNV-1a of a string: a stable small hash. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** The style of profile `name`. */
export function seriesStyle(name: string): SeriesStyle {
  const s = SHIPPED[name];
  if (s !== undefined) return s;
  const h = hash(name);
  return { color: OTHER_COLORS[h % OTHER_COLORS.length] as string, dash: OTHER_DASHES[(h >>> 8) % OTHER_DASHES.length] as number[], shape: OTHER_SHAPES[(h >>> 16) % OTHER_SHAPES.length] as string };
}

/** Fixed colours of the CPU-time stages (path order: user, submission, device side, completion hop, completion). */
export const STAGE_COLORS: Readonly<Record<string, string>> = {
  'fio user': '#9e9e9e',
  syscall: '#bdbdbd',
  'io_uring issue': '#1f77b4',
  aio: '#aec7e8',
  iomap: '#2ca02c',
  bio: '#98df8a',
  'blk-mq': '#8c564b',
  IRQ: '#d62728',
  softirq: '#ff9896',
  queue_work: '#ff7f0e',
  'context switch': '#ffbb78',
  'idle exit': '#dbdb8d',
  'work item': '#e377c2',
  task_work: '#9467bd',
  CQE: '#17becf',
  other: '#7f7f7f',
};

/** Fixed colours of the completion contexts and CPU utilisation classes. */
export const CONTEXT_COLORS: Readonly<Record<string, string>> = {
  hardirq: '#d62728',
  softirq: '#ff9896',
  kworker: '#ff7f0e',
  issuer: '#1f77b4',
  user: '#9e9e9e',
  sys: '#1f77b4',
};
