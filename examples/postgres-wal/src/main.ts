import { walGrid } from './wal';

console.log('device       | kernel        | engine   | QD | IOPS    | p50 µs | p99 µs | p99.9 µs | wq items');
for (const r of walGrid(process.argv[2] ?? '50ms')) {
  console.log(
    `${r.device.padEnd(12)} | ${r.profile.padEnd(13)} | ${r.engine.padEnd(8)} | ${r.qd}  | ${String(Math.round(r.iops)).padStart(7)} | ${r.p50us.toFixed(1).padStart(6)} | ${r.p99us.toFixed(1).padStart(6)} | ${r.p999us.toFixed(1).padStart(8)} | ${r.workqueueItems}`,
  );
}
