import { runExample, seed as seedArg, time } from '../../shared/args';
import { runReactor, SETUPS } from './reactor';

await runExample('@dio-example/reactor-starvation', [time('runtime', '500ms', 'simulated runtime per setup (500ms, 1s)'), seedArg('2696')], ([runtime, seed]) => {
  console.log(`QD1 libaio 4 KiB O_DIRECT writes from a busy-polling reactor on CPU 0, ${runtime.text}, seed ${seed}`);
  console.log(`${'setup'.padEnd(56)} | write IOPS | completions ran in`);
  for (const s of SETUPS) {
    const r = runReactor(s, runtime.ns, seed);
    console.log(`${s.name.padEnd(56)} | ${Math.round(r.iops).toString().padStart(10)} | ${r.completedIn.join(', ')}`);
  }
});
