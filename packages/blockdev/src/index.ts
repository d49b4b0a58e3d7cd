/**
 * @dio/blockdev — the block layer (block/) and three device models
 * (`createBlockDevice` picks one by `kind`): `Nvme`, `VirtioBlk` and the
 * null_blk-class `NullBlk`; bios with REQ_* flags, chaining and splitting;
 * the `BlockDevice` seam; plugging; the shared blk-mq machinery
 * (`BlkMqDevice`); and `NullBlk`, a multi-queue device with
 * tags, a latency / bandwidth / parallelism model, hardirq / softirq / timer /
 * polled completion, a volatile write cache with FLUSH and FUA, memory or
 * file backing, bad blocks and power cut.
 *
 * @example
 * ```ts
 * import { Simulator } from '@dio/sim';
 * import { NullBlk, bioAlloc, submitBioWait, REQ_OP_WRITE, REQ_FUA } from '@dio/blockdev';
 * const sim = new Simulator({ seed: 1 });
 * const dev = new NullBlk(sim, { irqmode: 'hardirq', write_latency: { kind: 'fixed', value: 20_000 } });
 * sim.spawn('writer', function* () {
 *   const err = yield* submitBioWait(bioAlloc(dev, REQ_OP_WRITE | REQ_FUA, { sector: 8, data: new Uint8Array(4096) }));
 * });
 * sim.run();
 * ```
 * @module
 */
export * from './flags';
export * from './status';
export {
  SECTOR_SHIFT,
  SECTOR_SIZE,
  BLK_QC_T_NONE,
  bioAlloc,
  bioEndio,
  bioChain,
  bioChainEndio,
  bioEndIoNone,
  bioSplit,
  bioSplitToLimits,
  bioSplitSectors,
  bioSegments,
  bioSectors,
  bioEndSector,
  bioIoError,
  bioWouldblockError,
  type Bio,
  type BioEndIo,
  type BioInit,
  type BlkQc,
  type SplitLimits,
} from './bio';
export { BLK_POLL_ONESHOT, NoDeviceError, submitBio, submitBioWait, type BlockDevice, type QueueLimits } from './blkdev';
export { BlkPlug, BLK_MAX_REQUEST_COUNT, blkStartPlug, blkFinishPlug, blkFlushPlug, currentPlug, type PluggedRequest } from './plug';
export { Badblocks, BadblocksParseError, type BadblocksHit } from './badblocks';
export { MemoryMedia, FileMedia, type Media } from './media';
export { WriteCache, type PowerCutReport } from './write-cache';
export { BlkMqTags } from './tags';
export {
  resolveOptions,
  NullBlkConfigError,
  NULL_IRQ_NONE,
  NULL_IRQ_SOFTIRQ,
  NULL_IRQ_TIMER,
  type IrqMode,
  type NullBlkOptions,
  type NullBlkConfig,
} from './options';
export type { CompletionStats } from './completion';
export type { BlkRequest, Hctx, RqStep } from './request';
export { BlkMqDevice, queueOfCpu, firstCpuOfQueue, type BlkMqStats, type DriverStats } from './blk-mq';
export { NullBlk, type NullBlkStats } from './null-blk';
export { Nvme, NVME_INTCOAL_TIME_UNIT_NS, type NvmeStats } from './nvme';
export { VirtioBlk, type VirtioBlkStats } from './virtio-blk';
export { VirtQueue, vringNeedEvent } from './virtqueue';
export {
  DEVICE_KINDS,
  checkNullBlkOptions,
  resolveNvmeOptions,
  resolveVirtioOptions,
  type DeviceKind,
  type DeviceOptions,
  type NvmeConfig,
  type NvmeOptions,
  type SharedDeviceOptions,
  type VirtioBlkConfig,
  type VirtioBlkOptions,
} from './device-options';
export { createBlockDevice } from './create';
