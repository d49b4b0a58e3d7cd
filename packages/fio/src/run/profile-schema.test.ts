import { NullBlk } from '@dio/blockdev';
import { Simulator } from '@dio/sim';
import { describe, expect, it } from 'vitest';
import { parseProfile, ProfileError, profileByName } from './profile-schema';
import { PROFILES, shippedProfile } from './profiles';

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
