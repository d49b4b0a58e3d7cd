import { describe, expect, it } from 'vitest';
import type { BlkRequest } from './request';
import { VirtQueue, vringNeedEvent } from './virtqueue';

const rq = (id: number): BlkRequest => ({ id }) as BlkRequest;

describe('vring_need_event', () => {
  it('is true only when the event index lies in [old, new)', () => {
    expect(vringNeedEvent(0, 1, 0)).toBe(true);
    expect(vringNeedEvent(3, 5, 2)).toBe(true);
    expect(vringNeedEvent(5, 5, 2)).toBe(false);
    expect(vringNeedEvent(1, 5, 2)).toBe(false);
    expect(vringNeedEvent(-1, 5, 0)).toBe(false);
  });
});

describe('VirtQueue with EVENT_IDX', () => {
  it('the driver kicks once per enable: batches added before the device re-enables notifications are not kicked', () => {
    const vq = new VirtQueue();
    vq.add(rq(1));
    expect(vq.kickPrepare()).toBe(true); // avail_event 0 is in [0, 1)
    vq.add(rq(2));
    expect(vq.kickPrepare()).toBe(false); // the device has not asked again
    expect(vq.pop()?.id).toBe(1);
    expect(vq.pop()?.id).toBe(2);
    vq.enableNotification(); // avail_event = 2
    vq.add(rq(3));
    vq.add(rq(4));
    expect(vq.kickPrepare()).toBe(true); // one kick for the batch of two
  });

  it('an entry added before the device re-enables is seen by its re-check, and not kicked', () => {
    const vq = new VirtQueue();
    vq.add(rq(1));
    vq.kickPrepare();
    vq.pop();
    vq.add(rq(2)); // plugged: no kick_prepare yet
    vq.enableNotification(); // avail_event = 2: the device sees entry 2 in its re-check
    expect(vq.availCount).toBe(1);
    expect(vq.kickPrepare()).toBe(false);
  });

  it('one interrupt until the driver re-enables callbacks; enable_cb reports entries used meanwhile', () => {
    const vq = new VirtQueue();
    vq.push(rq(1));
    expect(vq.shouldNotify()).toBe(true); // used_event 0 in [0, 1)
    vq.push(rq(2));
    expect(vq.shouldNotify()).toBe(false); // not re-enabled yet
    vq.disableCb();
    expect(vq.getBuf()?.id).toBe(1);
    expect(vq.getBuf()?.id).toBe(2);
    vq.push(rq(3));
    expect(vq.shouldNotify()).toBe(false); // callbacks off while draining
    expect(vq.enableCb()).toBe(false); // entry 3 arrived: drain again
    expect(vq.getBuf()?.id).toBe(3);
    expect(vq.enableCb()).toBe(true);
    vq.push(rq(4));
    expect(vq.shouldNotify()).toBe(true);
  });
});
