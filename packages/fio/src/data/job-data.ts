/**
 * A running job's data side: what each write carries (fio's io_u buffer
 * filling and verify headers), the history of blocks written, and the checks
 * of what reads bring back (verify phase, verify_backlog, read jobs with
 * verify). Jobs that neither verify nor set a buffer option carry no data at
 * all (timing only), as before.
 * @module
 */
import type { CostModel } from '@dio/sim';
import type { FioJob } from '../job';
import { FRand } from '../gen/frand';
import { blockSizes, isRandom } from '../gen/io-gen';
import { FIO_RAND } from '../gen/rand-seeds';
import { needsData } from './data-options';
import { BufferFiller, nextSeed, scramble } from './fill';
import { IoHistory, type IoPiece } from './history';
import { populateVerify, verifyBlock, type VerifyOutcome, type VerifySpec } from './verify';
import { checksumNs, fillNs } from './cpu-cost';

/** The fields of an io_u the data side reads and sets. */
export interface DataIo {
  /** Which of the job's files. */
  fileIndex: number;
  offset: number;
  len: number;
  readonly buf: Uint8Array | null;
  /** io_u->rand_seed. */
  seed: bigint;
  /** io_u->numberio. */
  numberio: number;
  /** IO_U_F_VER_LIST: a read of the verify phase or backlog. */
  verifyRead: boolean;
}

/** io_u flags fio prints in a verify failure: IO_U_F_IN_CUR_DEPTH, plus IO_U_F_VER_LIST for the verify list's reads. */
const IO_U_F_IN_CUR_DEPTH = 0x8;
const IO_U_F_VER_LIST = 0x80;

/** The data state of one running job. */
export class JobData {
  /** Whether the io_us carry buffers. */
  readonly enabled: boolean;
  /** Whether anything is verified. */
  readonly verifying: boolean;
  private readonly spec: VerifySpec;
  /** The spec for reads not of the verify list (a read job's): no seed to compare with. */
  private readonly readSpec: VerifySpec;
  private readonly verifyState: FRand;
  private readonly filler: BufferFiller;
  private readonly history: IoHistory;
  private readonly minWrite: number;
  /** td->io_issues[DDIR_WRITE]: numberio of the next write. */
  private writes = 0;
  /** td->verify_batch: backlog reads still to issue. */
  private batch = 0;
  private lastWasRead = false;
  private filledOnce = new WeakSet<Uint8Array>();

  /**
   * @param seeds the job's td->rand_seeds
   * @param thread td->thread_number
   * @param fileNames the job's files' names, for messages
   * @param costs the cost table (the fill and checksum costs: `fillPer4k`, `verify…Per4k`)
   */
  constructor(
    private readonly job: FioJob,
    seeds: readonly bigint[],
    thread: number,
    private readonly fileNames: readonly string[],
    private readonly costs: CostModel,
  ) {
    const fileName = fileNames[0] ?? '';
    const d = job.data;
    this.enabled = needsData(d, job.setAt);
    this.verifying = d.verify !== 'none';
    const use64 = job.io.randomGenerator === 'tausworthe64';
    this.verifyState = new FRand(seeds[FIO_RAND.VER_OFF] ?? 0n, use64);
    this.filler = new BufferFiller(d, new FRand(seeds[FIO_RAND.BUF_OFF] ?? 0n, use64), seeds[FIO_RAND.DEDUPE_OFF] ?? 0n);
    const bs = blockSizes(job);
    this.minWrite = bs.min[1];
    const writes = job.rw !== 'read' && job.rw !== 'randread';
    this.spec = {
      kind: d.verify,
      ...(d.verifyPattern === undefined ? {} : { pattern: d.verifyPattern }),
      interval: d.verifyInterval,
      offset: d.verifyOffset,
      fatal: d.verifyFatal,
      thread,
      fileName,
      checkNumberio: writes && bs.min[1] === bs.max[1] && !(job.timeBased && job.runtimeNs > 0) && !d.verifyOnly,
      checkSeed: writes && d.verifyBacklog === 0 && !d.verifyOnly,
    };
    this.readSpec = { ...this.spec, checkSeed: false };
    // iolog.c: log_io_piece(): a random map keeps the pieces in write order, else sorted by offset
    this.history = new IoHistory(!(isRandom(job) && !job.norandommap));
  }

  /** Whether the writes are logged for a later read-back (do_verify with a verify type). */
  get logsWrites(): boolean {
    return this.verifying && this.job.data.doVerify;
  }

  /** Blocks written and not verified yet. */
  get pending(): number {
    return this.history.length;
  }

  // io_u.c: get_io_u() (buffer refill / scramble) + backend.c: do_io() (populate_verify_io_u, log_io_piece)
  /** A write is about to be issued: fill its buffer, write the verify headers, log it. Returns the user CPU ns fio spends on it. */
  prepareWrite(io: DataIo, startNs: number): number {
    io.numberio = this.writes++;
    this.lastWasRead = false;
    const buf = io.buf;
    let ns = 0;
    if (buf !== null) {
      const d = this.job.data;
      const b = buf.subarray(0, io.len);
      const random = d.bufferPattern === undefined && !d.zeroBuffers;
      if (d.refillBuffers || !this.filledOnce.has(buf)) {
        this.filler.fill(b, this.minWrite);
        this.filledOnce.add(buf);
        if (random && !this.verifying) ns += fillNs(this.costs, io.len);
      } else if (d.scrambleBuffers && !d.zeroBuffers && d.compressPercentage === 0) scramble(b, io.len, io.offset, startNs);
      if (this.verifying) {
        io.seed = this.spec.pattern === undefined && this.spec.kind !== 'null' ? nextSeed(this.verifyState) : 0n;
        populateVerify(buf, { offset: io.offset, len: io.len, seed: io.seed, numberio: io.numberio, startNs }, this.spec);
        ns += (this.spec.pattern === undefined && this.spec.kind !== 'null' ? fillNs(this.costs, io.len) : 0) + checksumNs(this.costs, this.spec.kind, io.len);
      }
    } else if (this.verifying) io.seed = this.spec.pattern === undefined && this.spec.kind !== 'null' ? nextSeed(this.verifyState) : 0n;
    if (this.logsWrites) this.history.log({ file: io.fileIndex, offset: io.offset, len: io.len, seed: io.seed, numberio: io.numberio });
    return ns;
  }

  /** The user CPU ns fio spends checking a read of `bytes`. */
  checkNs(bytes: number): number {
    return checksumNs(this.costs, this.spec.kind, bytes);
  }

  /** verify_only's dry run of a write: the seed and numberio it would have, logged. */
  dryWrite(file: number, offset: number, len: number): void {
    const seed = this.verifying && this.spec.pattern === undefined && this.spec.kind !== 'null' ? nextSeed(this.verifyState) : 0n;
    const numberio = this.writes++;
    if (this.logsWrites) this.history.log({ file, offset, len, seed, numberio });
  }

  // io_u.c: get_io_u(): the verify_backlog check
  /** With verify_backlog: the next logged block to read back now, or null to go on writing. */
  backlogPiece(): IoPiece | null {
    const d = this.job.data;
    if (d.verifyBacklog === 0 || this.history.length === 0) return null;
    if (this.batch === 0 && this.history.length % d.verifyBacklog === 0 && !this.lastWasRead) this.batch = d.verifyBacklogBatch || d.verifyBacklog;
    if (this.batch === 0) return null;
    const p = this.history.next();
    if (p === null) return null;
    this.batch--;
    this.lastWasRead = true;
    return p;
  }

  /** The verify phase's next block, or null when all are read back. */
  nextPiece(): IoPiece | null {
    return this.history.next();
  }

  /** Sets up `io` as a read of the verify list. */
  verifyRead(io: DataIo, p: IoPiece): void {
    io.fileIndex = p.file;
    io.offset = p.offset;
    io.len = p.len;
    io.seed = p.seed;
    io.numberio = p.numberio;
    io.verifyRead = true;
  }

  /** A read of a read job is about to be issued: with verify it takes the next seed (fio's do_io()). */
  prepareRead(io: DataIo): void {
    io.verifyRead = false;
    if (this.verifying && this.spec.pattern === undefined && this.spec.kind !== 'null') io.seed = nextSeed(this.verifyState);
  }

  /** Whether a completed read is checked: the verify list's, or every read of a read job with verify. */
  checks(io: DataIo): boolean {
    return this.verifying && io.buf !== null && (io.verifyRead || this.job.rw === 'read' || this.job.rw === 'randread');
  }

  // verify.c: verify_io_u()
  /** Checks a completed read. */
  check(io: DataIo, startNs: number): VerifyOutcome {
    const buf = io.buf;
    if (buf === null) return { error: 0, messages: [] };
    const flags = IO_U_F_IN_CUR_DEPTH | (io.verifyRead ? IO_U_F_VER_LIST : 0);
    const spec = io.verifyRead ? this.spec : this.readSpec;
    const named = this.fileNames.length > 1 ? { ...spec, fileName: this.fileNames[io.fileIndex] ?? '' } : spec;
    return verifyBlock(buf, { offset: io.offset, len: io.len, seed: io.seed, numberio: io.numberio, startNs }, named, flags);
  }
}
