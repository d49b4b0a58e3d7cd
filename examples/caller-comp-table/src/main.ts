import { runExample, seed as seedArg, time } from '../../shared/args';
import { callerCompTable, formatRows } from './table';

await runExample('@dio-example/caller-comp-table', [time('runtime', '200ms', 'simulated runtime per point (200ms, 1s)'), seedArg('1')], ([{ text: runtime }, seed]) => {
  console.log(`4 KiB randwrite, io_uring, fio on CPU 4, runtime ${runtime} per point, seed ${seed}`);
  console.log(formatRows(callerCompTable({ runtime, seed })));
});
