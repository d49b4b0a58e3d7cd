import { createBlockDevice, NullBlk } from '@dio/blockdev';
import { readFileSync } from 'node:fs';
import { Simulator } from '@dio/sim';
import { describe, expect, it } from 'vitest';
import { parseProfile, ProfileError, profileByName } from './profile-schema';
import { PROFILES, shippedProfile } from './profiles';
import { DEFAULT_MEMORY_MB, memoryMbOf } from './profile';

const load = (o: unknown): unknown => parseProfile(JSON.stringify(o), 'p.json');
const fails = (o: unknown, field: string): void => {
  expect(() => load(o)).toThrow(ProfileError);
  expect(() => load(o)).toThrow(`p.json: field '${field}'`);
};

describe('profile names are own names only', () => {
  it.each(['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf'])('%s is no profile', (name) => {
    expect(shippedProfile(name)).toBeUndefined();
    expect(() => profileByName(name)).toThrow(ProfileError);
    fails({ extends: name }, 'extends');
  });
  it('a JSON __proto__ key is a field like any other, not the prototype', () => {
    expect(() => parseProfile('{"__proto__": {"cpus": 2}}', 'p.json')).toThrow("field '(top level)'");
  });
});

describe('the schema rejects what the device, the filesystem or the clock would', () => {
  it.each([
    [{ device: { bs: 100 } }, 'device.bs'],
    [{ device: { bs: 513 } }, 'device.bs'],
    [{ device: { bs: 65536 } }, 'device.bs'],
    [{ device: { poll_nsec: 0 } }, 'device.poll_nsec'],
    [{ device: { badblocks: ['bogus'] } }, 'device.badblocks.0'],
    [{ device: { badblocks: ['+9-1'] } }, 'device.badblocks.0'],
    [{ device: { write_latency: { kind: 'uniform', min: 9, max: 1 } } }, 'device.write_latency.min'],
    [{ device: { latency: { kind: 'lognormal', mean: 1e-300, stddev: 1 } } }, 'device.latency.mean'],
    [{ device: { read_latency: { kind: 'fixed', value: 1e308 } } }, 'device.read_latency.value'],
    [{ device: { write_latency: { kind: 'lognormal', mean: 1000, stddev: 1e9 } } }, 'device.write_latency.stddev'],
    [{ device: { mbps: 1e-9 } }, 'device.mbps'],
    [{ device: { max_sectors: 3, bs: 4096 } }, 'device.max_sectors'],
    [{ device: { submit_queues: 1e6 } }, 'device.submit_queues'],
    [{ device: { poll_queues: 1e6 } }, 'device.poll_queues'],
    [{ device: { hw_queue_depth: 1e9 } }, 'device.hw_queue_depth'],
    [{ device: { gb: 1e-9 } }, 'device.gb'],
    [{ sched: { tickNs: 1e18 } }, 'sched.tickNs'],
    [{ sched: { tickNs: 1 } }, 'sched.tickNs'],
    [{ sched: { fair: 'bfs' } }, 'sched.fair'],
    [{ device: { fifo_batch: 4 } }, 'device.fifo_batch'],
    [{ device: { scheduler: 'kyber' } }, 'device.scheduler'],
    [{ device: { scheduler: 'mq-deadline', nr_requests: 0 } }, 'device.nr_requests'],
    [{ costs: { userPerIo: 1e15 } }, 'costs.userPerIo'],
    [{ costs: { syscall: 0.5 } }, 'costs.syscall'],
    [{ device: { latency: { kind: 'fixed', value: 1e15 } } }, 'device.latency.value'],
  ])('%j: field %s', (o, field) => fails(o, field));

  it('every shipped profile passes its own schema', () => {
    for (const p of Object.values(PROFILES)) {
      const { name: _n, ...rest } = p;
      expect(load({ ...rest, extends: p.name })).toMatchObject({ device: p.device });
    }
  });

  it('what the schema accepts, the device accepts (its own checks agree at the bounds)', () => {
    const p = parseProfile(JSON.stringify({ device: { bs: 4096, max_sectors: 8, poll_nsec: 1, badblocks: ['+0x10-0x20'], hw_queue_depth: 10240, submit_queues: 8, poll_queues: 8 } }), 'p.json');
    expect(() => new NullBlk(new Simulator({ seed: 1, cpus: 8 }), p.device)).not.toThrow();
  });
});

describe('device kinds', () => {
  it.each([
    [{ device: { kind: 'bogus' } }, 'device.kind'],
    [{ device: { kick_nsec: 5 } }, 'device.kick_nsec'], // the base's device is null_blk
    [{ device: { kind: 'virtio-blk', intcoal_thr: 1 } }, 'device.intcoal_thr'],
    [{ device: { kind: 'virtio-blk', poll_queues: 1 } }, 'device.poll_queues'],
    [{ device: { kind: 'nvme', kick_nsec: 1 } }, 'device.kick_nsec'],
    [{ device: { kind: 'nvme', submit_queues: 1 } }, 'device.submit_queues'],
    [{ device: { kind: 'null_blk', irq_nsec: 1 } }, 'device.irq_nsec'],
    [{ device: { kind: 'virtio-blk', kick_nsec: 1.5 } }, 'device.kick_nsec'],
    [{ device: { kind: 'virtio-blk', host_io: 'threads' } }, 'device.host_io'],
    [{ device: { kind: 'virtio-blk', host_wake_nsec: 1e12 } }, 'device.host_wake_nsec'],
    [{ device: { kind: 'virtio-blk', irq_cpu: 8 } }, 'device.irq_cpu'],
    [{ cpus: 2, device: { kind: 'virtio-blk', num_queues: 4 } }, 'device.num_queues'],
    [{ cpus: 2, device: { kind: 'nvme', nr_io_queues: 4 } }, 'device.nr_io_queues'],
    [{ device: { kind: 'nvme', intcoal_thr: 256 } }, 'device.intcoal_thr'],
    [{ device: { kind: 'nvme', intcoal_time: 256 } }, 'device.intcoal_time'],
    [{ device: { kind: 'nvme', load_nsec: -1 } }, 'device.load_nsec'],
  ])('%j: field %s', (o, field) => fails(o, field));

  it('another kind than the base\'s starts from that kind\'s defaults; the same kind merges', () => {
    expect(load({ device: { kind: 'virtio-blk' } })).toMatchObject({ device: { kind: 'virtio-blk' } });
    expect((load({ device: { kind: 'virtio-blk' } }) as { device: object }).device).toEqual({ kind: 'virtio-blk' });
    expect((load({ device: { kind: 'null_blk', bs: 4096 } }) as { device: { gb: number } }).device.gb).toBe(1600);
  });

  it('what the schema accepts, each kind accepts (at the bounds)', () => {
    const sim = new Simulator({ seed: 1, cpus: 8 });
    const virtio = parseProfile(JSON.stringify({ device: { kind: 'virtio-blk', num_queues: 8, irq_cpu: 7, kick_nsec: 0, host_poll_nsec: 1e9, host_io: 'sync', load_nsec: 1e9 } }), 'p.json');
    expect(() => createBlockDevice(sim, virtio.device)).not.toThrow();
    const nvme = parseProfile(JSON.stringify({ device: { kind: 'nvme', nr_io_queues: 8, poll_queues: 8, intcoal_thr: 255, intcoal_time: 255, doorbell_nsec: 0, irq_nsec: 1e9 } }), 'p.json');
    expect(() => createBlockDevice(sim, nvme.device)).not.toThrow();
  });

  it('the example profile profiles/vm-virtio.json loads and builds a 2-CPU virtio-blk machine', () => {
    const path = new URL('../../../../profiles/vm-virtio.json', import.meta.url);
    const p = parseProfile(readFileSync(path, 'utf8'), 'vm-virtio.json');
    expect([p.cpus, p.device.kind, p.policy]).toEqual([2, 'virtio-blk', 'caller']);
    expect(createBlockDevice(new Simulator({ seed: 1, cpus: p.cpus }), p.device).name).toBe('vda');
  });
});

describe('memoryMb: the machine behind fio\'s $mb_memory', () => {
  it('is unset on the shipped profiles (16 GiB by default) and set by a profile file', () => {
    expect(memoryMbOf(profileByName('linux-6.5'))).toBe(DEFAULT_MEMORY_MB);
    expect(memoryMbOf(parseProfile('{"memoryMb": 4096}', 'p.json'))).toBe(4096);
    expect(JSON.stringify(profileByName('linux-6.5'))).not.toContain('memoryMb');
  });
  it.each([0, -1, 1.5, 2 ** 31])('refuses memoryMb=%s', (v) => fails({ memoryMb: v }, 'memoryMb'));
});
