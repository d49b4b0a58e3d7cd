/**
 * fio's ioengine= choice: the engine object a job drives.
 * @module
 */
import type { FioJob } from '../job';
import type { Engine, EngineEnv } from './engine';
import { IoUringEngine } from './engine-io-uring';
import { LibaioEngine } from './engine-libaio';
import { SyncEngine } from './engine-sync';
import type { Stack } from './stack';

/** The engine of `job` on `stack` (ioengines.c: load_ioengine()). */
export function makeEngine(job: FioJob, env: EngineEnv, stack: Stack): Engine {
  switch (job.ioengine) {
    case 'io_uring':
      return new IoUringEngine(env, stack.uringEnv);
    case 'libaio':
      return new LibaioEngine(env, stack.files);
    case 'psync':
    case 'pvsync2':
    case 'sync':
      return new SyncEngine(job.ioengine, env, stack.files, job.fdatasync > 0);
  }
}
