import { runExample, seed as seedArg, time } from '../../shared/args';
import { walGrid } from './wal';

await runExample('@dio-example/postgres-wal', [time('runtime', '50ms', 'simulated runtime per configuration (50ms, 1s)'), seedArg('1')], ([{ text: runtime }, seed]) => {
  console.log(`8 KiB sequential O_DIRECT|O_DSYNC writes to a preallocated WAL segment, CPU 0, runtime ${runtime}, seed ${seed}`);
  console.log('device       | kernel        | engine   | QD | IOPS    | clat p50 µs | p99 µs | p99.9 µs | wq items');
  for (const r of walGrid(runtime, seed)) {
    console.log(
      `${r.device.padEnd(12)} | ${r.profile.padEnd(13)} | ${r.engine.padEnd(8)} | ${r.qd}  | ${String(Math.round(r.iops)).padStart(7)} | ${r.p50us.toFixed(1).padStart(11)} | ${r.p99us.toFixed(1).padStart(6)} | ${r.p999us.toFixed(1).padStart(8)} | ${r.workqueueItems}`,
    );
  }
});
