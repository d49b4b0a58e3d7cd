import { QUEUES, runWith } from './stack';

console.log('completion workqueue                  | QD | IOPS    | p99 µs');
for (const qd of [1, 16]) {
  for (const q of QUEUES) {
    const r = runWith(q, qd);
    console.log(`${q.padEnd(37)} | ${String(qd).padStart(2)} | ${String(Math.round(r.iops)).padStart(7)} | ${r.p99us.toFixed(1)}`);
  }
}
