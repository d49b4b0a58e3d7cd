/**
 * Per-stage CPU accounting: CPU time requested by each named cost of the cost
 * table, split by the context that paid it — a cheap accumulator (two array
 * adds per spend), not a trace. Enabled by `SimOptions.stages`; it only
 * observes, so a run gives the same results with it on or off.
 *
 * How a spend learns its cost's name: with accounting on, `sim.costs` is a
 * view of the table whose getters note the name read; every layer reads its
 * cost right where it spends it (`charge(sim.costs.x)`),
 * so the next spend of the running context takes that name. The engine's own
 * costs (interrupt entry, context switch, idle exit) are named where they are
 * charged. A spend with no cost read before it is `other`.
 * @module
 */
import type { ExecContext } from './context';
import type { CostModel } from './costs';

/** A cost of the table, or `other` for CPU time spent without one. */
export type CostName = keyof CostModel | 'other';

/** Who paid: interrupt contexts, a kworker, or any other task (the issuer). */
export type ContextClass = 'hardirq' | 'softirq' | 'kworker' | 'issuer';

/** The context classes, in table order. */
export const CONTEXT_CLASSES: readonly ContextClass[] = ['hardirq', 'softirq', 'kworker', 'issuer'];

/** The stages of one I/O, in path order, with the costs each is made of. */
export const STAGES = [
  { stage: 'fio user', costs: ['userPerIo', 'userPerReap', 'fillPer4k', 'verifyMetaPer4k', 'verifyCrc32cPer4k', 'verifyMd5Per4k', 'verifySha1Per4k', 'verifySha256Per4k'] },
  { stage: 'syscall', costs: ['syscall'] },
  { stage: 'io_uring issue', costs: ['ioUringIssue'] },
  { stage: 'aio', costs: ['aioSubmit', 'aioComplete', 'aioGetevents'] },
  { stage: 'iomap', costs: ['iomapDioRw', 'iomapDioComplete', 'fsMetadataUpdate'] },
  { stage: 'bio', costs: ['iomapBio'] },
  { stage: 'blk-mq', costs: ['blkSubmit', 'blkComplete', 'elvInsert', 'elvDispatch'] },
  { stage: 'IRQ', costs: ['hardirq'] },
  { stage: 'softirq', costs: ['softirq'] },
  { stage: 'queue_work', costs: ['queueWork'] },
  { stage: 'context switch', costs: ['contextSwitch'] },
  { stage: 'idle exit', costs: ['idleExit'] },
  { stage: 'work item', costs: ['workItem', 'kworkerCreate'] },
  { stage: 'task_work', costs: ['taskWorkAdd', 'taskWorkRun'] },
  { stage: 'CQE', costs: ['ioUringCqe'] },
  { stage: 'other', costs: ['other'] },
] as const satisfies readonly { stage: string; costs: readonly CostName[] }[];

/** A stage name. */
export type StageName = (typeof STAGES)[number]['stage'];

/** The stages that are the workqueue hop: what punting a completion to a kworker adds. */
export const WORKQUEUE_HOP_STAGES: readonly StageName[] = ['queue_work', 'work item', 'context switch'];

/** Every cost name, in stage order; the index of a name is its slot in the accumulators. */
export const COST_NAMES: readonly CostName[] = STAGES.flatMap((s) => s.costs);
const OTHER = COST_NAMES.indexOf('other');
const NCLASS = CONTEXT_CLASSES.length;

/** Each cost name's slot (addNamed's lookup, instead of a search of COST_NAMES per call). */
const COST_INDEX = Object.fromEntries(COST_NAMES.map((n, i) => [n, i])) as Record<CostName, number>;

function classOf(ctx: ExecContext): number {
  const c = ctx.stageClass;
  if (c >= 0) return c;
  // a context's kind and its task's name never change: worked out once per context
  return (ctx.stageClass = ctx.kind === 'hardirq' ? 0 : ctx.kind === 'softirq' ? 1 : ctx.task?.name.startsWith('kworker') === true ? 2 : 3);
}

/** CPU time and number of spends per cost name, per context class. */
export class StageAccounting {
  /** ns requested, [cost * NCLASS + class]. */
  private readonly ns = new Float64Array(COST_NAMES.length * NCLASS);
  /** spends, same layout. */
  private readonly n = new Float64Array(COST_NAMES.length * NCLASS);
  /** @internal the cost the running code read last (consumed by the next spend) */
  pending = OTHER;
  private fromNs = 0;

  /** `now` is the simulation's clock. */
  constructor(private readonly now: () => number) {}

  /**
   * Count only from `t` on (e.g. the end of fio's ramp_time, as fio's own
   * stats do): what was counted so far is dropped. `t` is now or later.
   */
  startAt(t: number): void {
    this.fromNs = Math.max(this.fromNs, t);
    this.ns.fill(0);
    this.n.fill(0);
  }

  /** @internal `ns` spent by `ctx` on the pending cost. */
  add(ctx: ExecContext, ns: number): void {
    const i = this.pending * NCLASS + classOf(ctx);
    this.pending = OTHER;
    if (this.fromNs > 0 && this.now() < this.fromNs) return;
    this.ns[i] = (this.ns[i] as number) + ns;
    this.n[i] = (this.n[i] as number) + 1;
  }

  /** @internal `ns` spent by `ctx` on the engine's own cost `name` (a context boundary: a cost read before it is dropped). */
  addNamed(ctx: ExecContext, name: CostName, ns: number): void {
    this.pending = COST_INDEX[name];
    this.add(ctx, ns);
  }

  /** ns spent on `name` (by one context class, or all). */
  nsOf(name: CostName, cls?: ContextClass): number {
    return this.sum(this.ns, name, cls);
  }

  /** Number of spends of `name` (by one context class, or all). */
  countOf(name: CostName, cls?: ContextClass): number {
    return this.sum(this.n, name, cls);
  }

  /** Total CPU time accounted, ns. */
  totalNs(): number {
    return this.ns.reduce((a, b) => a + b, 0);
  }

  /** CPU time per stage, ns, in stage order. */
  byStage(): { stage: StageName; ns: number }[] {
    return STAGES.map((s) => ({ stage: s.stage, ns: s.costs.reduce((a, c: CostName) => a + this.nsOf(c), 0) }));
  }

  private sum(a: Float64Array, name: CostName, cls: ContextClass | undefined): number {
    const base = COST_NAMES.indexOf(name) * NCLASS;
    if (cls !== undefined) return a[base + CONTEXT_CLASSES.indexOf(cls)] as number;
    let s = 0;
    for (let c = 0; c < NCLASS; c++) s += a[base + c] as number;
    return s;
  }
}

/** A view of a cost table: its getters (on the prototype) note the cost read and return its value. */
interface CostView {
  /** The table's values, in the order of the view class's keys. */
  readonly values: readonly number[];
  readonly acc: StageAccounting;
}

type ViewClass = new (values: readonly number[], acc: StageAccounting) => CostView;

/**
 * One view class per list of cost names (in practice one: every table has
 * CostModel's keys), its getters on the prototype: every simulation's view
 * then has the same hidden class and the same getters, so a layer's
 * `sim.costs.x` is the same monomorphic read from run to run (a worker runs
 * many simulations). Each getter reads its value by a fixed index.
 */
const viewClasses = new Map<string, ViewClass>();

function viewClass(keys: readonly string[]): ViewClass {
  const id = keys.join(',');
  let C = viewClasses.get(id);
  if (C !== undefined) return C;
  class View implements CostView {
    constructor(
      readonly values: readonly number[],
      readonly acc: StageAccounting,
    ) {}
  }
  keys.forEach((k, slot) => {
    const named = COST_NAMES.indexOf(k as CostName);
    const i = named < 0 ? OTHER : named;
    Object.defineProperty(View.prototype, k, {
      enumerable: true,
      get(this: CostView): number {
        this.acc.pending = i;
        return this.values[slot] as number;
      },
    });
  });
  C = View;
  viewClasses.set(id, C);
  return C;
}

/** The cost table as getters that note which cost was read last (see the module comment). */
export function namedCosts(table: CostModel, acc: StageAccounting): CostModel {
  const keys = Object.keys(table) as (keyof CostModel)[];
  const View = viewClass(keys);
  return new View(
    keys.map((k) => table[k]),
    acc,
  ) as unknown as CostModel;
}
