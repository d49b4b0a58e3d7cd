import { callerCompTable, formatRows } from './table';

console.log(formatRows(callerCompTable({ runtime: process.argv[2] ?? '200ms' })));
