import { runExample } from '../../shared/args';
import { KERNELS, runWorkload, type SpaceOp } from './deadlock';

await runExample('@dio-example/caller-comp-deadlock', [], () => {
  for (const op of ['fallocate', 'ftruncate'] as const satisfies readonly SpaceOp[]) {
    console.log(`4 async 8 KiB O_DIRECT overwrites via a DEFER_TASKRUN ring, then ${op}() before reaping:`);
    for (const k of KERNELS) {
      const o = runWorkload(k.profile, op);
      if (o.kind === 'deadlock') {
        console.log(`  ${k.label}: DeadlockError`);
        console.log(`    ${o.chain.join('\n      -> ')}`);
        continue;
      }
      console.log(`  ${k.label}: finished at ${(o.at / 1000).toFixed(1)} µs, ${op} returned ${o.syscallRet}, CQE res [${o.cqes.join(', ')}], i_size ${o.iSize / 1024} KiB`);
      const where = new Map<string, number>();
      for (const c of o.completions) {
        const w = `${c.via} in ${c.kind} ${c.ctx}`;
        where.set(w, (where.get(w) ?? 0) + 1);
      }
      const last = Math.max(...o.completions.map((c) => c.at));
      console.log(
        `    iomap_dio_complete (inode_dio_end): ${[...where].map(([w, n]) => `${n} × ${w}`).join(', ')}; ${op} called at ${(o.opStart / 1000).toFixed(1)} µs, last completion at ${(last / 1000).toFixed(1)} µs — none needed the issuer`,
      );
    }
  }
});
