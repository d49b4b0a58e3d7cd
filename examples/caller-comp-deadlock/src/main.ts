import { KERNELS, runWorkload, type SpaceOp } from './deadlock';

for (const op of ['fallocate', 'ftruncate'] as const satisfies readonly SpaceOp[]) {
  console.log(`4 async 8 KiB O_DIRECT overwrites via a DEFER_TASKRUN ring, then ${op}() before reaping:`);
  for (const k of KERNELS) {
    const o = runWorkload(k.profile, op);
    if (o.kind === 'deadlock') {
      console.log(`  ${k.label}: DeadlockError`);
      console.log(`    ${o.chain.join('\n      -> ')}`);
    } else console.log(`  ${k.label}: finished at ${(o.at / 1000).toFixed(1)} µs, ${op} returned ${o.syscallRet}, CQE res [${o.cqes.join(', ')}], i_size ${o.iSize / 1024} KiB`);
  }
}
