import { callerCompTable, formatRows } from './table';

// usage: start [runtime per point, default 200ms] [seed, default 1]
const runtime = process.argv[2] ?? '200ms';
const seed = Number(process.argv[3] ?? 1);
console.log(`4 KiB randwrite, io_uring, fio on CPU 4, runtime ${runtime} per point, seed ${seed}`);
console.log(formatRows(callerCompTable({ runtime, seed })));
