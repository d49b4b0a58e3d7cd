import { runExample } from '../../shared/args';
import { QUEUES, queueName, runWith } from './stack';

await runExample('@dio-example/custom-workqueue', [], () => {
  console.log('completion workqueue                  | QD | IOPS    | mean µs | p99 µs | custom items');
  for (const qd of [1, 16]) {
    for (const q of QUEUES) {
      const r = runWith(q, qd);
      console.log(`${queueName(q).padEnd(37)} | ${String(qd).padStart(2)} | ${String(Math.round(r.iops)).padStart(7)} | ${r.meanUs.toFixed(1).padStart(7)} | ${r.p99us.toFixed(1).padStart(6)} | ${r.customItems}`);
    }
  }
});
