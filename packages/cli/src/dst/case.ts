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
  /** Bytes per write (multiple of 4 KiB). */
  readonly bs: number;
  readonly writes: number;
  readonly sync: 'none' | 'dsync' | 'sync';
  readonly writeCache: boolean;
  readonly fua: boolean;
  readonly layout: 'written' | 'unwritten' | 'hole';
  /** Fraction of writes placed past EOF (extending). */
  readonly extendShare: number;
  /** File size in blocks of `bs`. */
  readonly fileBlocks: number;
  /** Another task races truncate-up / fallocate / fsync against the I/O. */
  readonly racer: 'none' | 'truncate' | 'fallocate' | 'fsync';
  /** Fail one file block with EIO (bad sectors). */
  readonly badBlock: boolean;
  /** Device latency has rare 50× spikes. */
  readonly spikes: boolean;
  /** Cut the power at this fraction of the expected run (null = no cut). */
  readonly powerCutAt: number | null;
  /** The issuer itself calls fallocate before reaping (the caller-comp deadlock shape). */
  readonly selfFallocate: boolean;
}

/** Draw the case of `seed`. */
export function drawCase(seed: number): FuzzCase {
  const r = new Rng(seed).fork('fuzz/case');
  const policy = r.pick(['workqueue', 'caller', 'inline'] as const);
  const engine = r.pick(['uring', 'uring-coop', 'uring-defer', 'uring-iopoll', 'libaio', 'sync'] as const);
  const sync = r.pick(['none', 'none', 'dsync', 'sync'] as const);
  const writeCache = r.chance(0.6);
  return {
    seed,
    policy,
    callerComp: policy === 'caller' && r.chance(0.8),
    engine,
    qd: engine === 'sync' ? 1 : r.pick([1, 2, 4, 8, 16]),
    bs: 4096 * r.pick([1, 1, 2, 4, 16]),
    writes: r.int(4, 40),
    sync,
    writeCache,
    fua: r.chance(0.5),
    layout: r.pick(['written', 'written', 'unwritten', 'hole'] as const),
    extendShare: r.chance(0.3) ? 0.3 : 0,
    fileBlocks: r.int(8, 64),
    racer: r.pick(['none', 'none', 'truncate', 'fallocate', 'fsync'] as const),
    badBlock: r.chance(0.15),
    spikes: r.chance(0.3),
    powerCutAt: writeCache && r.chance(0.25) ? r.float() : null,
    selfFallocate: engine === 'uring-defer' && r.chance(0.1),
  };
}

/** One line describing the case (for failure reports). */
export function describeCase(c: FuzzCase): string {
  return `policy=${c.policy}${c.callerComp ? '+callercomp' : ''} engine=${c.engine} qd=${c.qd} bs=${c.bs} writes=${c.writes} sync=${c.sync} cache=${c.writeCache} fua=${c.fua} layout=${c.layout} extend=${c.extendShare} racer=${c.racer} bad=${c.badBlock} spikes=${c.spikes} cut=${c.powerCutAt ?? '-'} selfFallocate=${c.selfFallocate}`;
}
