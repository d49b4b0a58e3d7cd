/**
 * A fuzz case: the random stack and workload one seed draws. Everything is
 * derived from the seed, so a seed names its case exactly.
 * @module
 */
import { Rng } from '@dio/sim';

/** The issuer of a case. */
export type FuzzEngine = 'uring' | 'uring-coop' | 'uring-defer' | 'uring-iopoll' | 'libaio' | 'sync';

/** One drawn case. */
export interface FuzzCase {
  readonly seed: number;
  readonly policy: 'workqueue' | 'caller' | 'inline';
  /** io_uring sets IOCB_DIO_CALLER_COMP (6.6-rc1). */
  readonly callerComp: boolean;
  readonly engine: FuzzEngine;
  readonly qd: number;
  /** io_uring SQ and CQ entries (CQSIZE); below `qd` the CQ overflows. */
  readonly ringEntries: number;
  /** Bytes per write (multiple of 4 KiB). */
  readonly bs: number;
  readonly writes: number;
  readonly sync: 'none' | 'dsync' | 'sync';
  readonly writeCache: boolean;
  readonly fua: boolean;
  /** How the device completes requests (null_blk irqmode, plus the NVMe-like hardirq). */
  readonly irqmode: 'hardirq' | 'softirq' | 'timer' | 'none';
  readonly layout: 'written' | 'unwritten' | 'hole';
  /** Fraction of writes placed past EOF (extending). */
  readonly extendShare: number;
  /** File size in blocks of `bs`. */
  readonly fileBlocks: number;
  /** Another task races ftruncate up (`truncate`) or down (`shrink`), fallocate or fsync against the I/O. */
  readonly racer: 'none' | 'truncate' | 'shrink' | 'fallocate' | 'fsync';
  /** Fail one file block with EIO (bad sectors). */
  readonly badBlock: boolean;
  /** Device latency has rare 50× spikes. */
  readonly spikes: boolean;
  /** Cut the power at this fraction of the expected run (null = no cut). */
  readonly powerCutAt: number | null;
  /** The power cut may tear writes sector by sector. */
  readonly tear: boolean;
  /** The issuer itself calls fallocate before reaping (the caller-comp deadlock shape). */
  readonly selfFallocate: boolean;
  /** The fair scheduling class: CFS (to 6.5) or EEVDF (6.6 on). */
  readonly fair: 'cfs' | 'eevdf';
  /** The device's I/O scheduler. */
  readonly scheduler: 'none' | 'mq-deadline';
}

/** Draw the case of `seed`. */
export function drawCase(seed: number): FuzzCase {
  const r = new Rng(seed).fork('fuzz/case');
  const policy = r.pick(['workqueue', 'caller', 'inline'] as const);
  const engine = r.pick(['uring', 'uring-coop', 'uring-defer', 'uring-iopoll', 'libaio', 'sync'] as const);
  const callerComp = policy === 'caller' && r.chance(0.8);
  const selfFallocate = engine === 'uring-defer' && r.chance(callerComp ? 0.3 : 0.1);
  // the deliberate deadlock: only pure overwrites complete in the caller, so build exactly those
  const deadlock = selfFallocate && callerComp;
  const sync = r.pick(['none', 'none', 'dsync', 'sync'] as const);
  const writeCache = r.chance(0.6);
  const qd = engine === 'sync' ? 1 : r.pick([1, 2, 4, 8, 16]);
  const powerCutAt = r.chance(writeCache ? 0.3 : 0.15) ? r.float() : null;
  const layout = r.pick(['written', 'written', 'unwritten', 'hole'] as const);
  const extendShare = r.chance(0.3) ? 0.3 : 0;
  const racer = r.pick(['none', 'none', 'truncate', 'shrink', 'fallocate', 'fsync'] as const);
  const irqmode = r.pick(['hardirq', 'hardirq', 'hardirq', 'softirq', 'timer', 'none'] as const);
  return {
    seed,
    policy,
    callerComp,
    engine,
    qd,
    ringEntries: Math.min(qd, r.pick([1, 2, 4, 16])),
    bs: 4096 * r.pick([1, 1, 2, 4, 16]),
    writes: r.int(4, 40),
    sync: deadlock ? 'none' : sync,
    writeCache,
    fua: r.chance(0.5),
    irqmode: irqmode === 'none' && deadlock ? 'hardirq' : irqmode, // completing in submit leaves nothing pending
    layout: deadlock ? 'written' : layout,
    extendShare: deadlock ? 0 : extendShare,
    fileBlocks: r.int(8, 64),
    // shrinking frees blocks (the bad one too) and reallocates them: kept apart from power cuts and bad sectors
    racer: racer === 'shrink' && powerCutAt !== null ? 'truncate' : racer,
    badBlock: r.chance(0.15) && racer !== 'shrink',
    spikes: r.chance(0.3),
    powerCutAt,
    tear: powerCutAt !== null && r.chance(0.3),
    selfFallocate,
    // drawn last: the fields above stay what they were for every seed
    fair: r.pick(['cfs', 'eevdf'] as const),
    scheduler: r.chance(0.3) ? 'mq-deadline' : 'none',
  };
}

/** Whether the case builds the caller-comp deadlock (which must then be reported as DeadlockError). */
export function buildsDeadlock(c: FuzzCase): boolean {
  return c.selfFallocate && c.policy === 'caller' && c.callerComp;
}

/** One line describing the case (for failure reports). */
export function describeCase(c: FuzzCase): string {
  return `policy=${c.policy}${c.callerComp ? '+callercomp' : ''} engine=${c.engine} qd=${c.qd} ring=${c.ringEntries} bs=${c.bs} writes=${c.writes} sync=${c.sync} cache=${c.writeCache} fua=${c.fua} irq=${c.irqmode} layout=${c.layout} extend=${c.extendShare} racer=${c.racer} bad=${c.badBlock} spikes=${c.spikes} cut=${c.powerCutAt ?? '-'}${c.tear ? '+tear' : ''} selfFallocate=${c.selfFallocate} fair=${c.fair} scheduler=${c.scheduler}`;
}
