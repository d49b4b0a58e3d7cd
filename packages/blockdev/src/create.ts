/**
 * The one place a device kind becomes a device: `createBlockDevice()`.
 * @module
 */
import type { Simulator } from '@dio/sim';
import type { BlkMqDevice } from './blk-mq';
import { checkNullBlkOptions, DEVICE_KINDS, type DeviceOptions } from './device-options';
import { NullBlk } from './null-blk';
import { Nvme } from './nvme';
import { NullBlkConfigError } from './options';
import { VirtioBlk } from './virtio-blk';

/** Build the device `opts.kind` names (default `null_blk`) with the rest of `opts`. */
export function createBlockDevice(sim: Simulator, opts: DeviceOptions = {}): BlkMqDevice {
  const { kind, ...rest } = opts;
  switch (kind) {
    case undefined:
    case 'null_blk':
      checkNullBlkOptions(rest);
      return new NullBlk(sim, rest);
    case 'nvme':
      return new Nvme(sim, rest);
    case 'virtio-blk':
      return new VirtioBlk(sim, rest);
    default:
      throw new NullBlkConfigError(`device: kind must be one of ${DEVICE_KINDS.join(', ')}, got ${String(kind as unknown)}`);
  }
}
