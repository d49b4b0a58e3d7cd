/**
 * struct super_block, reduced to what direct I/O uses: the id, the block
 * device, and the lazily created `dio/<s_id>` completion workqueue.
 * @module
 */
import type { BlockDevice } from '@dio/blockdev';
import type { Simulator } from '@dio/sim';
import { allocWorkqueue, WQ_MEM_RECLAIM, type Workqueue } from '@dio/workqueue';

/** Creates the completion workqueue; swap it to try another workqueue implementation. */
export type DioWqFactory = (sim: Simulator, name: string) => Workqueue;

// fs/super.c: sb_init_dio_done_wq() allocates alloc_workqueue("dio/%s", WQ_MEM_RECLAIM, 0, sb->s_id)
/** The kernel's choice: a per-CPU (bound) WQ_MEM_RECLAIM queue with default max_active. */
export const defaultDioWqFactory: DioWqFactory = (sim, name) => allocWorkqueue(sim, name, WQ_MEM_RECLAIM, 0);

/** struct super_block. */
export class SuperBlock {
  /** s_dio_done_wq: null until the first async DIO write needs it. */
  sDioDoneWq: Workqueue | null = null;

  constructor(
    readonly sim: Simulator,
    /** s_id, e.g. "nullb0". */
    readonly sId: string,
    readonly sBdev: BlockDevice,
    /** s_blocksize in bytes. */
    readonly sBlocksize: number,
    private readonly wqFactory: DioWqFactory,
  ) {}

  // fs/super.c: sb_init_dio_done_wq()
  /** Create s_dio_done_wq on first use (the kernel installs it with cmpxchg; one wins). Returns 0. */
  initDioDoneWq(): number {
    if (this.sDioDoneWq === null) this.sDioDoneWq = this.wqFactory(this.sim, `dio/${this.sId}`);
    return 0;
  }
}
