import { runReactor, SETUPS } from './reactor';

// usage: start [runtime ms, default 500] [seed, default 2696]
const runtimeMs = Number(process.argv[2] ?? 500);
const seed = Number(process.argv[3] ?? 2696);
console.log(`QD1 libaio 4 KiB O_DIRECT writes from a busy-polling reactor on CPU 0, ${runtimeMs} ms, seed ${seed}`);
console.log(`${'setup'.padEnd(56)} | write IOPS | completions ran in`);
for (const s of SETUPS) {
  const r = runReactor(s, runtimeMs * 1e6, seed);
  console.log(`${s.name.padEnd(56)} | ${Math.round(r.iops).toString().padStart(10)} | ${r.completedIn.join(', ')}`);
}
