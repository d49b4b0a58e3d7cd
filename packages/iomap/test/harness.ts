/**
 * Test harness: a small stack (NullBlk → DioFs → iomap with a policy) and a
 * minimal async issuer shaped like io_uring's normal task_work path, so
 * scenarios can check where completions run and what the device saw.
 */
import { type Bio, type BlockDevice, NullBlk, type NullBlkOptions, REQ_FUA, REQ_OP_FLUSH, REQ_PREFLUSH } from '@dio/blockdev';
import { DioFs, type FsInode, type Layout } from '@dio/fs';
import { EIOCBQUEUED, type File, IOCB_DIO_CALLER_COMP, IOCB_WRITE, iocbFlags, IovIter, Kiocb, O_DIRECT, O_RDWR, type KiCompleteFn } from '@dio/kiocb';
import { currentCtx, currentSim, currentTask, type KGen, type SimOptions, Simulator, syscall, taskWorkRun, WaitQueue, waitEvent } from '@dio/sim';
import { type CompletionPolicy, iomapFileOperations } from '../src/index';

/** Every bio the device was asked to do. */
export interface SeenBio {
  readonly op: number;
  readonly fua: boolean;
  readonly preflush: boolean;
  readonly sector: number;
  readonly size: number;
}

/** Wraps a device and records its bios: also shows the BlockDevice seam. */
export function spyDevice(inner: BlockDevice, seen: SeenBio[]): BlockDevice {
  return {
    name: inner.name,
    logicalBlockSize: inner.logicalBlockSize,
    sectors: inner.sectors,
    limits: inner.limits,
    submitBio(bio: Bio) {
      seen.push({ op: bio.biOpf & 0xff, fua: (bio.biOpf & REQ_FUA) !== 0, preflush: (bio.biOpf & REQ_PREFLUSH) !== 0, sector: bio.biSector, size: bio.biSize });
      return inner.submitBio(bio);
    },
    bdevFua: () => inner.bdevFua(),
    bdevWriteCache: () => inner.bdevWriteCache(),
    bioPoll: (bio, flags) => inner.bioPoll(bio, flags),
    blkPoll: (c, flags) => inner.blkPoll(c, flags),
  };
}

export interface Stack {
  readonly sim: Simulator;
  readonly dev: NullBlk;
  readonly fs: DioFs;
  readonly seen: SeenBio[];
  flushes(): number;
  fuaWrites(): number;
}

export function makeStack(policy: CompletionPolicy, dev: NullBlkOptions = {}, sim: SimOptions = {}): Stack {
  const s = new Simulator({ seed: 7, cpus: 2, ...sim });
  const nb = new NullBlk(s, { gb: 1, irqmode: 'hardirq', completion_nsec: 10_000, memory_backed: true, ...dev });
  const seen: SeenBio[] = [];
  const fs = new DioFs(s, spyDevice(nb, seen), { fops: iomapFileOperations(policy) });
  return {
    sim: s,
    dev: nb,
    fs,
    seen,
    flushes: () => seen.filter((b) => b.op === REQ_OP_FLUSH || b.preflush).length,
    fuaWrites: () => seen.filter((b) => b.fua).length,
  };
}

export function openFile(st: Stack, path: string, size: number, layout: Layout, extraFlags = 0): { file: File; inode: FsInode } {
  const inode = st.fs.create(path, size, layout);
  const f = st.fs.open(path, O_RDWR | O_DIRECT | extraFlags);
  if (typeof f === 'number') throw new Error(`open: ${f}`);
  return { file: f, inode };
}

/** How one async write completed. */
export interface AsyncResult {
  res: number;
  /** Context kind that called ki_complete. */
  kiCompleteIn: string;
  handedBack: boolean;
}

export function pattern(len: number, seed: number): Uint8Array {
  const b = new Uint8Array(len);
  for (let i = 0; i < len; i++) b[i] = (i * 31 + seed * 17) & 0xff;
  return b;
}

/** An async write in flight. */
export interface Pending {
  readonly out: AsyncResult;
  readonly cqe: WaitQueue;
  finished: boolean;
}

/**
 * Submit one async O_DIRECT write like io_uring does (IOCB_DIO_CALLER_COMP set
 * when `callerComp`); a handed-back completion is queued as task_work to this
 * task. Returns once submitted.
 */
export function submitWrite(file: File, data: Uint8Array, pos: number, callerComp: boolean, out: AsyncResult): KGen<Pending> {
  return submitRw(true, file, data, pos, callerComp, out);
}

/** Submit one async O_DIRECT read into `buf` (reads never carry IOCB_DIO_CALLER_COMP). */
export function submitRead(file: File, buf: Uint8Array, pos: number, out: AsyncResult): KGen<Pending> {
  return submitRw(false, file, buf, pos, false, out);
}

function* submitRw(write: boolean, file: File, data: Uint8Array, pos: number, callerComp: boolean, out: AsyncResult): KGen<Pending> {
  const me = currentTask();
  const p: Pending = { out, cqe: new WaitQueue('cqe'), finished: false };
  const finish = (res: number) => {
    out.res = res;
    p.finished = true;
    p.cqe.wakeUpAll();
  };
  const kiComplete: KiCompleteFn = function (iocb, res) {
    out.kiCompleteIn = currentCtx().kind;
    if (iocb.dioComplete !== null && iocb.kiFlags & IOCB_DIO_CALLER_COMP) {
      out.handedBack = true;
      const dc = iocb.dioComplete;
      currentSim().taskWorkAdd(me, { name: 'io_req_rw_complete', fn: function* () { finish(yield* dc(iocb.private)); } }, 'TWA_SIGNAL');
      return;
    }
    finish(res);
  };
  const iocb = new Kiocb(file, pos, kiComplete, iocbFlags(file) | (write ? IOCB_WRITE : 0) | (callerComp ? IOCB_DIO_CALLER_COMP : 0));
  const iter = IovIter.ubuf(data, data.length);
  const r = yield* syscall(write ? file.fOp.writeIter(iocb, iter) : file.fOp.readIter(iocb, iter));
  if (r !== -EIOCBQUEUED) finish(r);
  return p;
}

/** Wait for a submitted write like io_uring_enter(GETEVENTS): run task_work, sleep interruptibly. */
export function* reap(p: Pending): KGen<void> {
  const me = currentTask();
  yield* syscall(
    (function* () {
      for (;;) {
        yield* taskWorkRun();
        if (p.finished) return;
        yield* waitEvent(p.cqe, () => p.finished || me.taskWorks.length > 0, { state: 'S' });
      }
    })(),
  );
}

/** Submit and reap one async write. */
export function* asyncWrite(file: File, data: Uint8Array, pos: number, callerComp: boolean, out: AsyncResult): KGen<void> {
  yield* reap(yield* submitWrite(file, data, pos, callerComp, out));
}

/** Where the last iomap_dio_complete ran: "hardirq", "task:kworker/0:0", "task:issuer"… (needs tracing on). */
export function lastCompletion(sim: Simulator): string {
  const r = [...sim.tracer.records].reverse().find((x) => x.name === 'iomap_dio_complete');
  if (r === undefined) return 'none';
  return r.kind === 'task' ? `task:${r.ctx}` : r.kind;
}
