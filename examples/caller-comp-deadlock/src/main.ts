import { KERNELS, runWorkload } from './deadlock';

for (const k of KERNELS) {
  const o = runWorkload(k);
  if (o.kind === 'deadlock') {
    console.log(`${k.name}: DeadlockError`);
    console.log(`  ${o.chain.join('\n    -> ')}`);
  } else console.log(`${k.name}: finished at ${(o.at / 1000).toFixed(1)} µs, fallocate returned ${o.fallocateRet}, ${o.cqes} CQEs`);
}
