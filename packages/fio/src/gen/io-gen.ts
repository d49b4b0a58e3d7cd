/**
 * fio's choice of the next I/O (io_u.c: get_rw_ddir(), get_next_offset(),
 * get_next_buflen(), mark_random_map(), setup_strided_zone_mode(); backend.c:
 * the do_io() byte limits and keep_running() passes), driven by fio's own
 * random streams, so a job issues the offsets, sizes and directions fio
 * issues for the same job file and seed.
 * @module
 */
import type { FioJob } from '../job';
import { Axmap } from './axmap';
import { type BlockDist, Gauss, jhash, Pareto, Zipf } from './dists';
import type { FRand } from './frand';
import type { PerDdir, ZoneSplitEntry } from './io-options';
import { RatePacer } from '../pace/rate';
import { type FileService, parseFileService } from '../files/file-service';
import { Lfsr } from './lfsr';
import { FIO_RAND, fioRandSeeds, streamOf } from './rand-seeds';

/** One I/O to issue. */
export interface IoPiece {
  readonly ddir: 'read' | 'write';
  readonly offset: number;
  readonly len: number;
}

/** The file a job does I/O to, as fio's setup_files() sizes it. */
export interface GenFile {
  /** f->file_name (seeds the zipf/pareto/normal generators). */
  readonly name: string;
  /** f->real_file_size. */
  readonly realSize: number;
  /** f->io_size: bytes of the file the job covers from its start offset. */
  readonly ioSize: number;
  /** get_start_offset(): where the job starts in the file. */
  readonly startOffset: number;
}

/** Where a job sits in the run. */
export interface GenPlace {
  /** td->thread_number: 1-based over every job and clone. */
  readonly threadNumber: number;
  /** td->subjob_number: the clone index (numjobs). */
  readonly subjob: number;
  /** Seeds for randrepeat=0 without randseed (fio reads the OS RNG; dio takes the run's seed). */
  readonly entropy: () => bigint;
}

const R = 0;
const W = 1;
type Dir = 0 | 1;

/** One file of a job (fio's struct fio_file): its positions, random map and distribution. */
interface FileSlot {
  readonly file: GenFile;
  fileOffset: number;
  readonly lastPos: number[];
  readonly lastStart: number[];
  readonly map: Axmap | null;
  readonly lfsr: Lfsr | null;
  readonly dist: BlockDist | null;
  /** fio_file_done(). */
  done: boolean;
  /** Just started over by a non-uniform file service: failing again means it has no I/O at all. */
  fresh: boolean;
}

/** fio.h: FIO_FSERVICE_SHIFT: a skewed file service draws from nrfiles << 10 ranges. */
const FSERVICE_RANGES = 1 << 10;

/** The job's block sizes per direction after bs / bsrange / bssplit (fio's min_bs, max_bs, ba). */
export function blockSizes(job: Pick<FioJob, 'io' | 'bs'>): { min: PerDdir<number>; max: PerDdir<number>; ba: PerDdir<number> } {
  const io = job.io;
  const bs = [job.bs.read, job.bs.write, job.bs.trim] as const;
  const pick = (d: 0 | 1 | 2): [number, number] => {
    const split = io.bssplit?.[d];
    if (split !== undefined) return [Math.min(...split.map((e) => e.bs)), Math.max(...split.map((e) => e.bs))];
    const range = io.bsrange?.[d];
    if (range !== undefined) return [range[0], range[1]];
    return [bs[d], bs[d]];
  };
  const p = [pick(0), pick(1), pick(2)] as const;
  const min = [p[0][0], p[1][0], p[2][0]] as const;
  const ba = io.blockalign.map((v, d) => (v > 0 ? v : min[d] ?? 1)) as unknown as PerDdir<number>;
  return { min, max: [p[0][1], p[1][1], p[2][1]], ba };
}

/** Whether the job's rw is one of the random ones (td_random()). */
export function isRandom(job: FioJob): boolean {
  return job.rw === 'randread' || job.rw === 'randwrite' || job.rw === 'randrw';
}

interface ZoneIndex {
  readonly sizePerc: number;
  readonly sizePercPrev: number;
  readonly size: number;
  readonly sizePrev: number;
}

// filesetup.c: __td_zone_gen_index()
function zoneIndex(split: readonly ZoneSplitEntry[]): ZoneIndex[] {
  const out: ZoneIndex[] = [];
  let sprev = 0;
  let aprev = 0;
  let sprevSz = 0;
  for (const z of split) {
    for (let j = aprev; j < aprev + z.accessPerc; j++) out[j] = { sizePerc: sprev + z.size, sizePercPrev: sprev, size: sprevSz + z.size, sizePrev: sprevSz };
    aprev += z.accessPerc;
    sprev += z.size;
    sprevSz += z.size;
  }
  return out;
}

/** Picks a job's I/Os like fio. `next()` returns null when the job has no more I/O to issue. */
export class FioIoGen {
  private readonly random: boolean;
  private readonly minBs: PerDdir<number>;
  private readonly maxBs: PerDdir<number>;
  private readonly ba: PerDdir<number>;
  private readonly rwMinBs: number;
  /** The job's random seeds (td->rand_seeds), for the streams outside the generator (verify, buffers). */
  readonly seeds: bigint[];
  private readonly use64: boolean;
  private map: Axmap | null;
  /** random_generator=lfsr: fio's LFSR instead of the Tausworthe stream and the map. */
  private lfsr: Lfsr | null;
  private dist: BlockDist | null;
  private readonly zones: readonly (readonly ZoneIndex[])[] | null;
  private readonly doesRead: boolean;
  private readonly doesWrite: boolean;
  /** Bytes one do_io() pass may issue, and all passes together. */
  private readonly passLimit: number;
  private readonly totalLimit: number;
  private readonly ddirSeqNr: number;
  private readonly ddirSeqAdd: number;
  // streams (td_fill_rand_seeds())
  private randomState!: FRand;
  private bsState!: [FRand, FRand];
  private rwmixState!: FRand;
  private zoneState!: FRand;
  private seqRandState!: [FRand, FRand];
  // per-file and per-job positions (the current file's; `slots` keeps every file's)
  private file: GenFile;
  private fileOffset: number;
  private lastPos = [0, 0];
  private lastStart = [-1, -1];
  /** nrfiles: each file's own positions, map and distribution (fio's struct fio_file). */
  private readonly slots: FileSlot[];
  private cur = 0;
  private readonly service: FileService;
  private nextFileState!: FRand;
  /** file_service_type=zipf/pareto/normal: the distribution files are drawn from (fio's next_file_zipf / next_file_gauss). */
  private fileDist: BlockDist | null = null;
  private serviceFile = -1;
  private serviceLeft = 0;
  private nextFile = 0;
  /** file_service_type=zipf/pareto/normal (fio's __FIO_FSERVICE_NONUNIFORM), with one file or several. */
  private get nonUniform(): boolean {
    const k = this.service.kind;
    return k === 'zipf' || k === 'pareto' || k === 'normal';
  }
  /** fio_file_done() files of this pass. */
  private doneFiles = 0;
  private zoneBytes = 0;
  private seqNrLeft: number;
  private rwmixDdir: Dir = R;
  private rwmixIssues = 0;
  private readonly ioIssues = [0, 0];
  private issuedBytes = 0;
  private passBytes = 0;
  private passes = 0;
  private issuedIos = 0;
  private isDone = false;
  /** `rate` / `rate_iops` pacing, when set. */
  private readonly pacer: RatePacer | null;
  private sleepUs = 0;
  /** Time since the job started, in µs (set by the runner; rate pacing reads it). */
  nowUs: () => number = () => 0;

  /** @param files the job's file, or its files (nrfiles) in fio's order */
  constructor(private readonly job: FioJob, files: GenFile | readonly GenFile[], place: GenPlace) {
    const list = Array.isArray(files) ? (files as readonly GenFile[]) : [files as GenFile];
    const file = list[0] as GenFile;
    this.file = file;
    const io = job.io;
    this.random = isRandom(job);
    const bs = blockSizes(job);
    this.minBs = bs.min;
    this.maxBs = bs.max;
    this.ba = bs.ba;
    this.rwMinBs = Math.min(...bs.min);
    this.use64 = io.randomGenerator === 'tausworthe64';
    this.seeds = fioRandSeeds({
      randseed: BigInt(job.randseed ?? 0x89),
      randseedSet: job.randseed !== undefined,
      randrepeat: job.randrepeat,
      allrandrepeat: io.allrandrepeat,
      threadNumber: place.threadNumber,
      entropy: place.entropy,
    });
    this.doesRead = job.rw !== 'write' && job.rw !== 'randwrite';
    this.doesWrite = job.rw !== 'read' && job.rw !== 'randread';
    this.fileOffset = file.startOffset;
    this.slots = list.map((f) => this.makeSlot(f, place));
    const service = parseFileService(job.files.fileServiceType);
    this.service = service.ok ? service.value : { kind: 'roundrobin', nr: 1 };
    const first = this.slots[0] as FileSlot;
    this.map = first.map;
    this.lfsr = first.lfsr;
    this.dist = first.dist;
    this.lastPos = first.lastPos;
    this.lastStart = first.lastStart;
    this.zones = null;
    const dist = io.randomDistribution;
    if (dist.kind === 'zoned' || dist.kind === 'zoned_abs') this.zones = [zoneIndex(dist.zones[0]), zoneIndex(dist.zones[1])];
    // backend.c: do_io()'s total_bytes and io_issue_bytes_exceeded()'s limit
    const ioSizes = list.reduce((a, f) => a + f.ioSize, 0);
    const oSize = job.size !== undefined && job.size <= ioSizes ? job.size : ioSizes;
    const base = io.ioSize > 0 ? io.ioSize : oSize;
    const timeBased = job.timeBased && job.runtimeNs > 0;
    this.totalLimit = timeBased ? Number.POSITIVE_INFINITY : base * job.loops;
    // a non-uniform file service never runs out of file (set_io_u_file() resets it): do_io() goes on to io_size
    const endless = (this.random && job.norandommap && this.doesWrite) || this.nonUniform;
    this.passLimit = timeBased ? Number.POSITIVE_INFINITY : endless ? Math.max(oSize, io.ioSize) : oSize;
    // options.c: str_rw_cb(): ':<nr>' is a count of I/Os per new random offset, or a hole after each sequential I/O
    this.ddirSeqNr = 1;
    this.ddirSeqAdd = 0;
    if (io.rwPostfix !== undefined) {
      const v = Number(io.rwPostfix);
      if (this.random) this.ddirSeqNr = v;
      else this.ddirSeqAdd = v;
    }
    // the first I/O takes a new offset (checked against fio 3.33)
    this.seqNrLeft = 1;
    this.fillSeeds();
    this.resetFile();
    const pacer = new RatePacer(job.pace, this.minBs, this.seeds);
    this.pacer = pacer.active ? pacer : null;
  }

  // filesetup.c: init_random_map() and __init_rand_distribution() for one file
  private makeSlot(file: GenFile, place: GenPlace): FileSlot {
    const io = this.job.io;
    const strided = io.zonemode === 'strided' && io.zonesize > 0;
    const zoneRange = io.zonerange > 0 ? io.zonerange : io.zonesize;
    const dist = io.randomDistribution;
    // fio turns the map off for every distribution but random
    const mapSize = strided ? zoneRange : Math.min(file.realSize, file.ioSize);
    const uniform = dist.kind === 'random';
    // init.c: "Any use of blockalign= turns off randommap"
    const aligned = io.blockalign.some((v) => v > 0);
    const blocks = Math.floor(mapSize / this.rwMinBs);
    const lfsr = this.random && io.randomGenerator === 'lfsr' ? new Lfsr(blocks, this.seeds[FIO_RAND.BLOCK_OFF] ?? 0n) : null;
    const map = this.random && lfsr === null && !this.job.norandommap && uniform && !aligned ? new Axmap(blocks) : null;
    let d: BlockDist | null = null;
    if (dist.kind === 'zipf' || dist.kind === 'pareto' || dist.kind === 'normal') {
      const rangeSize = Math.min(this.minBs[R], this.minBs[W]);
      const nranges = Math.ceil(Math.min(file.realSize, file.ioSize) / rangeSize);
      const name = new TextEncoder().encode(file.name);
      let seed = Math.imul(jhash(name, 0), place.threadNumber) >>> 0;
      if (!this.job.randrepeat) seed = Number((this.seeds[FIO_RAND.MIX_OFF] ?? 0n) & 0xffff_ffffn);
      if (dist.kind === 'zipf') d = new Zipf(nranges, dist.value, dist.center, seed);
      else if (dist.kind === 'pareto') d = new Pareto(nranges, dist.value, dist.center, seed);
      else d = new Gauss(nranges, dist.value, dist.center, seed);
    }
    return { file, fileOffset: file.startOffset, lastPos: [file.startOffset, file.startOffset], lastStart: [-1, -1], map, lfsr, dist: d, done: false, fresh: false };
  }

  /** Makes file `i` the current one (its positions, map and distribution). */
  private use(i: number): void {
    if (i === this.cur) return;
    (this.slots[this.cur] as FileSlot).fileOffset = this.fileOffset;
    const t = this.slots[i] as FileSlot;
    this.cur = i;
    this.file = t.file;
    this.fileOffset = t.fileOffset;
    this.lastPos = t.lastPos;
    this.lastStart = t.lastStart;
    this.map = t.map;
    this.lfsr = t.lfsr;
    this.dist = t.dist;
  }

  /** The index of the file the last `next()` I/O is for. */
  get fileIndex(): number {
    return this.cur;
  }

  // filesetup.c / io_u.c: __get_next_file(), get_next_file_rr(), get_next_file_rand(); -1 when every file is done
  private pickFile(): number {
    const n = this.slots.length;
    const cur = this.serviceFile >= 0 ? this.slots[this.serviceFile] : undefined;
    if (cur !== undefined && !cur.done) {
      if (this.service.kind === 'sequential') return this.serviceFile;
      if (this.serviceLeft > 0) {
        this.serviceLeft--;
        return this.serviceFile;
      }
    }
    let f = -1;
    if (this.fileDist !== null) {
      // get_next_file_rand(): the drawn range's file (a non-uniform service starts a file over rather than finish it)
      if (this.doneFiles >= n) return -1;
      const dist = this.fileDist;
      do f = Math.floor(dist.next() / FSERVICE_RANGES);
      while ((this.slots[f] as FileSlot).done);
    } else if (this.service.kind === 'random') {
      if (this.doneFiles >= n) return -1;
      const st = this.nextFileState;
      do f = Math.floor(n * (st.rand() / st.maxPlusOne()));
      while ((this.slots[f] as FileSlot).done);
    } else {
      const old = this.nextFile;
      do {
        const c = this.nextFile;
        this.nextFile = (this.nextFile + 1) % n;
        if (!(this.slots[c] as FileSlot).done) {
          f = c;
          break;
        }
      } while (this.nextFile !== old);
    }
    if (f < 0) return -1;
    this.serviceFile = f;
    this.serviceLeft = 'nr' in this.service ? this.service.nr - 1 : 0;
    return f;
  }

  // io_u.c: set_io_u_file(): a file whose I/O cannot be filled is done, the next one is tried
  private fillMulti(): IoPiece | null {
    for (;;) {
      if (this.isDone || this.issuedBytes >= this.totalLimit || this.passBytes >= this.passLimit) return null;
      const f = this.pickFile();
      if (f < 0) return null;
      this.use(f);
      const p = this.fill();
      const slot = this.slots[f] as FileSlot;
      if (p !== null || this.isDone || this.issuedBytes >= this.totalLimit || this.passBytes >= this.passLimit) {
        slot.fresh = false;
        return p;
      }
      if (this.fileDist !== null && !slot.fresh) {
        // set_io_u_file(): with a non-uniform service a file at its end starts over (fio_file_reset())
        this.resetFile();
        slot.fresh = true;
        continue;
      }
      slot.done = true;
      this.doneFiles++;
    }
  }

  /** How long to sleep before issuing the I/O `next()` returned (fio's rate_ddir() sleep), in µs; resets it. */
  takeSleepUs(): number {
    const us = this.sleepUs;
    this.sleepUs = 0;
    return us;
  }

  // init.c: td_fill_rand_seeds()
  private fillSeeds(): void {
    const s = this.seeds;
    const readSeed = FIO_RAND.BS_OFF;
    // init.c: td_fill_rand_seeds_internal(): a verifying job draws its write sizes from the read seed (fio 3.33, checked with bsrange and bssplit)
    const writeSeed = this.job.data.verify !== 'none' ? readSeed : FIO_RAND.BS1_OFF;
    this.bsState = [streamOf(s, readSeed, this.use64), streamOf(s, writeSeed, this.use64)];
    this.rwmixState = streamOf(s, FIO_RAND.MIX_OFF, false);
    this.zoneState = streamOf(s, FIO_RAND.ZONE_OFF, false);
    this.randomState = streamOf(s, FIO_RAND.BLOCK_OFF, this.use64);
    this.seqRandState = [streamOf(s, FIO_RAND.SEQ_RAND_READ_OFF, false), streamOf(s, FIO_RAND.SEQ_RAND_WRITE_OFF, false)];
    this.nextFileState = streamOf(s, FIO_RAND.FILE_OFF, this.use64);
    this.fileDist = this.initFileService(Number((s[FIO_RAND.FILE_OFF] ?? 0n) & 0xffff_ffffn));
  }

  // init.c: init_rand_file_service(): FIO_FSERVICE_SHIFT ranges per file, the rank not hashed
  private initFileService(seed: number): BlockDist | null {
    const sv = this.service;
    if (sv.kind !== 'zipf' && sv.kind !== 'pareto' && sv.kind !== 'normal') return null;
    const nranges = this.slots.length * FSERVICE_RANGES;
    if (sv.kind === 'zipf') return new Zipf(nranges, sv.value, -1, seed, false);
    if (sv.kind === 'pareto') return new Pareto(nranges, sv.value, -1, seed, false);
    return new Gauss(nranges, sv.value, -1, seed, false);
  }

  // filesetup.c: fio_file_reset()
  private resetFile(): void {
    this.lastPos[R] = this.lastPos[W] = this.fileOffset;
    this.lastStart[R] = this.lastStart[W] = -1;
    this.map?.reset();
    this.lfsr?.reset();
  }

  /** Passes over the file done so far (loops): the pass the last `next()` I/O belongs to. */
  get pass(): number {
    return this.passes;
  }

  // time.c: ramp_time_over() → stat.c: reset_all_stats(): io_bytes, io_blocks and io_issues start
  // again when the ramp ends, so number_ios and the size count from there (fio 3.33 does number_ios=N
  // after its ramp_time, and a norandommap job its whole size)
  rampTimeOver(): void {
    this.issuedIos = 0;
    this.issuedBytes = 0;
    this.passBytes = 0;
  }

  /** Whether the job has issued all its I/O. */
  get done(): boolean {
    return this.isDone;
  }

  /** The next I/O, or null when the job is done. */
  next(): IoPiece | null {
    for (;;) {
      if (this.isDone) return null;
      const p = this.slots.length === 1 && !this.nonUniform ? this.fill() : this.fillMulti();
      if (p !== null) return p;
      this.endPass();
    }
  }

  // backend.c: keep_running() after a do_io() pass, then clear_io_state()
  private endPass(): void {
    const job = this.job;
    this.passes++;
    const base = this.job.io.ioSize > 0 ? this.job.io.ioSize : this.passLimit;
    const more = this.passes < job.loops || (job.io.ioSize > 0 && this.issuedBytes < base && base - this.issuedBytes >= Math.max(...this.maxBs));
    if (!more || this.issuedBytes >= this.totalLimit || this.passBytes === 0) {
      this.isDone = true;
      return;
    }
    this.passBytes = 0;
    this.zoneBytes = 0;
    this.rwmixIssues = 0;
    for (let i = this.slots.length - 1; i >= 0; i--) {
      const sl = this.slots[i] as FileSlot;
      sl.done = false;
      sl.fresh = false;
      this.use(i);
      this.fileOffset = this.file.startOffset;
      this.resetFile();
    }
    this.doneFiles = 0;
    this.fillSeeds();
  }

  // io_u.c: fill_io_u() for reads and writes; null ends the pass
  private fill(): IoPiece | null {
    const job = this.job;
    if (this.issuedBytes >= this.totalLimit || this.passBytes >= this.passLimit) return null;
    if (job.numberIos > 0 && this.issuedIos >= job.numberIos) {
      this.isDone = true;
      return null;
    }
    const d = this.getRwDdir();
    if (job.io.zonemode === 'strided' && job.io.zonesize > 0) this.setupStridedZone(d);
    const off = this.getNextOffset(d);
    if (off === null) return null;
    const { offset, busyOk } = off;
    let len = this.getNextBuflen(d, offset);
    if (len === 0) return null;
    if (offset + len > this.file.realSize) return null;
    if (this.random && this.map !== null) len = this.markRandomMap(d, offset, len, busyOk);
    this.zoneBytes += len;
    this.lastStart[d] = offset;
    this.lastPos[d] = offset + len;
    this.ioIssues[d] = (this.ioIssues[d] ?? 0) + 1;
    this.issuedBytes += len;
    this.passBytes += len;
    this.issuedIos++;
    this.pacer?.issued(d, len);
    return { ddir: d === R ? 'read' : 'write', offset, len };
  }

  // io_u.c: get_rw_ddir() / set_rwmix_bytes() / get_rand_ddir()
  private getRwDdir(): Dir {
    const mixed = this.doesRead && this.doesWrite;
    const d = mixed ? this.rwmixDdirNext() : this.doesRead ? R : W;
    if (this.pacer === null) return d;
    // rate_ddir(): the direction that is behind its rate, after sleeping until one is due
    const share = d === R ? 100 - this.job.rwmixread : this.job.rwmixread;
    const p = this.pacer.pick(d, this.nowUs(), mixed, share);
    this.sleepUs += p.sleepUs;
    this.rwmixDdir = p.ddir;
    return p.ddir;
  }

  private rwmixDdirNext(): Dir {
    if ((this.ioIssues[this.rwmixDdir] ?? 0) >= this.rwmixIssues) {
      const v = this.rwmixState.between(1, 100);
      const ddir: Dir = v <= this.job.rwmixread ? R : W;
      if (ddir !== this.rwmixDdir) {
        const diff = ddir === R ? this.job.rwmixread : 100 - this.job.rwmixread;
        this.rwmixIssues = Math.floor(((this.ioIssues[this.rwmixDdir] ?? 0) * diff) / 100);
      }
      this.rwmixDdir = ddir;
    }
    return this.rwmixDdir;
  }

  // io_u.c: setup_strided_zone_mode()
  private setupStridedZone(d: Dir): void {
    const io = this.job.io;
    const range = io.zonerange > 0 ? io.zonerange : io.zonesize;
    if (this.zoneBytes >= io.zonesize) {
      this.zoneBytes = 0;
      this.fileOffset += range + io.zoneskip;
      if (this.fileOffset >= this.file.realSize) this.fileOffset = this.file.startOffset;
      this.lastPos[d] = this.fileOffset;
    }
    if ((this.lastPos[d] ?? 0) >= this.fileOffset + range) this.lastPos[d] = this.fileOffset;
    if (this.zoneBytes % range === 0) this.resetFile();
  }

  // io_u.c: last_block()
  private lastBlock(d: Dir): number {
    let maxSize = Math.min(this.file.ioSize, this.file.realSize);
    const io = this.job.io;
    if (io.zonemode === 'strided' && io.zonesize > 0) maxSize = io.zonerange > 0 ? io.zonerange : io.zonesize;
    if (this.minBs[d] > this.ba[d]) maxSize -= this.minBs[d] - this.ba[d];
    return Math.floor(maxSize / this.ba[d]);
  }

  // io_u.c: __get_next_rand_offset()
  private randBlock(lastb: number): number | null {
    if (this.lfsr !== null) return this.lfsr.next();
    const st = this.randomState;
    let b = Math.floor(lastb * (st.rand() / st.maxPlusOne()));
    const map = this.map;
    if (map === null || !map.isSet(b)) return b;
    b = map.nextFree(b);
    return b < 0 ? null : b;
  }

  // io_u.c: get_next_rand_offset() per random_distribution
  private randOffset(d: Dir): number | null {
    if (this.dist !== null) return this.dist.next();
    const lastb = this.lastBlock(d);
    if (lastb === 0) return null;
    const dist = this.job.io.randomDistribution;
    const zones = this.zones?.[d];
    if (zones === undefined || zones.length === 0 || (dist.kind !== 'zoned' && dist.kind !== 'zoned_abs')) return this.randBlock(lastb);
    const v = this.zoneState.between(1, 100);
    const zsi = zones[v - 1];
    if (zsi === undefined) return this.randBlock(lastb);
    if (dist.kind === 'zoned_abs') {
      const stotal = Math.floor(zsi.sizePrev / this.ba[d]);
      const send = Math.floor(zsi.size / this.ba[d]);
      if (send > lastb) return null;
      const b = this.randBlock(send - stotal);
      return b === null ? null : b + stotal;
    }
    const offset = zsi.sizePercPrev > 0 ? Math.floor((zsi.sizePercPrev * lastb) / 100) : 0;
    const b = this.randBlock(Math.floor((lastb * (zsi.sizePerc - zsi.sizePercPrev)) / 100));
    return b === null ? null : b + offset;
  }

  // io_u.c: get_next_rand_block(): a time_based job, or a non-uniform file service, starts the file over when it runs out
  private randBlockOrReset(d: Dir): number | null {
    const b = this.randOffset(d);
    if (b !== null || !(this.job.timeBased || this.nonUniform)) return b;
    this.resetFile();
    return this.randOffset(d);
  }

  // io_u.c: get_next_seq_offset(); returns the offset relative to the file offset
  private seqOffset(d: Dir): number | null {
    const f = this.file;
    if ((this.lastPos[d] ?? 0) >= f.ioSize + f.startOffset && this.job.timeBased) this.lastPos[d] = this.fileOffset;
    if ((this.lastPos[d] ?? 0) >= f.realSize) return null;
    let pos = (this.lastPos[d] ?? 0) - this.fileOffset;
    if (pos !== 0 && this.ddirSeqAdd !== 0) {
      pos += this.ddirSeqAdd;
      if (pos >= f.realSize) pos = this.fileOffset;
    }
    return pos;
  }

  // io_u.c: get_next_block() + get_next_offset()
  private getNextOffset(d: Dir): { offset: number; busyOk: boolean } | null {
    let rwSeqHit = false;
    if (this.ddirSeqNr > 0 && --this.seqNrLeft === 0) {
      rwSeqHit = true;
      this.seqNrLeft = this.ddirSeqNr;
    }
    let rel: number | null = null;
    let b: number | null = null;
    let busyOk = false;
    if (rwSeqHit) {
      if (this.random) {
        const perc = this.job.io.percentageRandom[d];
        if (perc === 100 || this.seqRandState[d].between(1, 100) <= perc) {
          b = this.randBlockOrReset(d);
          if (b === null) return null;
        } else {
          busyOk = true;
          rel = this.seqOffset(d);
          if (rel === null) {
            b = this.randBlockOrReset(d);
            if (b === null) return null;
          }
        }
      } else {
        rel = this.seqOffset(d);
        if (rel === null) return null;
      }
    } else {
      busyOk = true;
      if (this.job.io.rwSequencer === 'sequential') {
        rel = this.seqOffset(d);
        if (rel === null) {
          b = this.randBlockOrReset(d);
          if (b === null) return null;
        }
      } else {
        rel = this.lastStart[d] !== -1 ? (this.lastStart[d] ?? 0) - this.fileOffset : 0;
      }
    }
    const offset = rel !== null ? rel : (b ?? 0) * this.ba[d];
    if (offset >= this.file.ioSize) return null;
    const abs = offset + this.fileOffset;
    if (abs >= this.file.realSize) return null;
    return { offset: abs, busyOk };
  }

  // io_u.c: io_u_fits()
  private fits(offset: number, len: number): boolean {
    return offset + len <= this.file.ioSize + this.file.startOffset;
  }

  // io_u.c: get_next_buflen()
  private getNextBuflen(d: Dir, offset: number): number {
    const minbs = this.minBs[d];
    const maxbs = this.maxBs[d];
    if (minbs === maxbs) return minbs;
    if (!this.fits(offset, minbs)) return 0;
    const st = this.bsState[d];
    const split = this.job.io.bssplit?.[d];
    let buflen = 0;
    for (let tries = 0; ; tries++) {
      if (split === undefined) {
        const r = st.rand();
        buflen = minbs + Math.floor(maxbs * (r / st.maxPlusOne()));
      } else {
        const r = st.randBig();
        const lim = st.maxBig() / 100n;
        let perc = 0n;
        for (const e of split) {
          if (e.perc === 0) continue;
          buflen = e.bs;
          perc += BigInt(e.perc);
          if (r / perc <= lim && this.fits(offset, buflen)) break;
        }
      }
      // buflen &= ~(minbs - 1) for a power of two, buflen -= buflen % minbs otherwise: the same
      if (!this.job.io.bsUnaligned) buflen -= buflen % minbs;
      if (buflen > maxbs) buflen = maxbs;
      if (this.fits(offset, buflen)) return buflen;
      if (tries > 10_000) return 0; // fio would spin forever; end the pass instead
    }
  }

  // io_u.c: mark_random_map()
  private markRandomMap(d: Dir, offset: number, len: number, busyOk: boolean): number {
    const map = this.map;
    if (map === null) return len;
    const minbs = this.minBs[d];
    const block = Math.floor((offset - this.fileOffset) / minbs);
    let nr = Math.ceil(len / minbs);
    if (!busyOk) nr = Math.max(1, map.setNr(block, nr));
    return nr * minbs < len ? nr * minbs : len;
  }
}
