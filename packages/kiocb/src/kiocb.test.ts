import { describe, expect, it } from 'vitest';
import {
  EOPNOTSUPP,
  FMODE_WRITE,
  Inode,
  IOCB_DIRECT,
  IOCB_DSYNC,
  IOCB_HIPRI,
  IOCB_NOIO,
  IOCB_NOWAIT,
  IOCB_SYNC,
  initSyncKiocb,
  iocbIsDsync,
  isSyncKiocb,
  Kiocb,
  kiocbSetRwFlags,
  O_DIRECT,
  O_DSYNC,
  O_RDWR,
  O_SYNC,
  RWF_DSYNC,
  RWF_HIPRI,
  RWF_NOWAIT,
  RWF_SYNC,
  S_SYNC,
} from './index';
import { mkFile } from './test-helpers';


describe('kiocb flags', () => {
  it('uses the kernel values', () => {
    expect([IOCB_HIPRI, IOCB_DSYNC, IOCB_SYNC, IOCB_NOWAIT, IOCB_DIRECT]).toEqual([1, 2, 4, 8, 1 << 17]);
  });

  it('derives IOCB flags from open flags (iocb_flags)', () => {
    const k = initSyncKiocb(mkFile(O_RDWR | O_DIRECT | O_DSYNC), 0);
    expect(k.kiFlags & IOCB_DIRECT).toBeTruthy();
    expect(k.kiFlags & IOCB_DSYNC).toBeTruthy();
    expect(k.kiFlags & IOCB_SYNC).toBe(0);
    const s = initSyncKiocb(mkFile(O_RDWR | O_DIRECT | O_SYNC), 0);
    expect(s.kiFlags & (IOCB_DSYNC | IOCB_SYNC)).toBe(IOCB_DSYNC | IOCB_SYNC);
  });

  it('is_sync_kiocb is ki_complete == NULL', () => {
    const f = mkFile(O_RDWR | O_DIRECT);
    expect(isSyncKiocb(initSyncKiocb(f, 0))).toBe(true);
    expect(
      isSyncKiocb(
        new Kiocb(f, 0, () => {
          /* async */
        }),
      ),
    ).toBe(false);
  });

  it('iocb_is_dsync honours S_SYNC inodes', () => {
    const ino = new Inode(2);
    const k = initSyncKiocb(mkFile(O_RDWR | O_DIRECT, FMODE_WRITE, ino), 0);
    expect(iocbIsDsync(k)).toBe(false);
    ino.iFlags |= S_SYNC;
    expect(iocbIsDsync(k)).toBe(true);
  });

  it('maps RWF_* to IOCB_* (kiocb_set_rw_flags)', () => {
    const k = initSyncKiocb(mkFile(O_RDWR | O_DIRECT), 0);
    expect(kiocbSetRwFlags(k, RWF_SYNC)).toBe(0);
    expect(k.kiFlags & (IOCB_SYNC | IOCB_DSYNC)).toBe(IOCB_SYNC | IOCB_DSYNC);
    const n = initSyncKiocb(mkFile(O_RDWR | O_DIRECT), 0);
    expect(kiocbSetRwFlags(n, RWF_NOWAIT | RWF_HIPRI | RWF_DSYNC)).toBe(0);
    expect(n.kiFlags & (IOCB_NOWAIT | IOCB_NOIO | IOCB_HIPRI | IOCB_DSYNC)).toBe(IOCB_NOWAIT | IOCB_NOIO | IOCB_HIPRI | IOCB_DSYNC);
  });

  it('rejects RWF_NOWAIT without FMODE_NOWAIT and unknown RWF bits', () => {
    const k = initSyncKiocb(mkFile(O_RDWR | O_DIRECT, FMODE_WRITE), 0);
    expect(kiocbSetRwFlags(k, RWF_NOWAIT)).toBe(-EOPNOTSUPP);
    expect(kiocbSetRwFlags(k, 0x100)).toBe(-EOPNOTSUPP);
    expect(k.kiFlags & IOCB_NOWAIT).toBe(0);
  });
});
