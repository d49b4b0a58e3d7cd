/**
 * Validation against queueing theory: an M/M/1 queue built on the engine.
 * Customers arrive as events (exponential inter-arrival times, rate λ); one
 * server task on one CPU `spend`s an exponential service time (rate μ) per
 * customer and sleeps on a wait queue when the line is empty. With every
 * engine overhead set to 0, the mean response time must approach 1/(μ−λ).
 *
 * Run: pnpm --filter @dio/sim example:mm1
 */
import { type KGen, Simulator, WaitQueue, waitEvent } from '../src/index';

/** Result of one M/M/1 run. */
export interface MM1Result {
  readonly customers: number;
  readonly rho: number;
  /** Measured mean response time (ns). */
  readonly meanResponseNs: number;
  /** Theory: 1/(μ−λ) (ns). */
  readonly theoryNs: number;
  /** (measured − theory) / theory. */
  readonly relError: number;
  readonly wallMs: number;
}

/** Simulate `customers` customers at utilization `rho` (service mean 1 µs). */
export function runMM1({ seed = 1, customers = 1_000_000, rho = 0.8 } = {}): MM1Result {
  // Every cost the engine itself charges is 0, so the server's only CPU time is the service time.
  const sim = new Simulator({ seed, cpus: 1, costs: { contextSwitch: 0, idleExit: 0, syscall: 0, hardirq: 0, softirq: 0 } });
  const serviceMean = 1_000; // ns: μ = 1/µs
  const arrivalMean = serviceMean / rho;
  const arrivals = sim.rng.fork('arrivals');
  const service = sim.rng.fork('service');
  const line: number[] = [];
  let head = 0;
  const wq = new WaitQueue('customers');
  let sum = 0;
  let served = 0;
  let generated = 0;
  // A Poisson arrival process: each arrival schedules the next.
  const arrive = (): void => {
    line.push(sim.now);
    generated++;
    if (line.length - head === 1) wq.wakeUpOne();
    if (generated < customers) sim.after(Math.max(1, Math.round(arrivals.exponential(arrivalMean))), arrive);
  };
  sim.at(0, arrive);
  sim.spawn(
    'server',
    function* (): KGen<void> {
      while (served < customers) {
        if (head === line.length) yield* waitEvent(wq, () => head < line.length, { state: 'S' });
        const arrivedAt = line[head++] as number;
        yield Math.max(1, Math.round(service.exponential(serviceMean)));
        sum += sim.now - arrivedAt;
        served++;
        if (head > 4096 && head * 2 > line.length) {
          line.splice(0, head);
          head = 0;
        }
      }
    },
    { kind: 'kthread' },
  );
  const t0 = performance.now();
  sim.run();
  const wallMs = performance.now() - t0;
  const meanResponseNs = sum / served;
  const theoryNs = 1 / (1 / serviceMean - 1 / arrivalMean);
  return { customers: served, rho, meanResponseNs, theoryNs, relError: (meanResponseNs - theoryNs) / theoryNs, wallMs };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = runMM1({ customers: Number(process.argv[2] ?? 1_000_000) });
  console.log(
    `M/M/1 rho=${r.rho} customers=${r.customers}: mean response ${(r.meanResponseNs / 1000).toFixed(4)} us, theory ${(r.theoryNs / 1000).toFixed(4)} us, error ${(r.relError * 100).toFixed(2)}% (${r.wallMs.toFixed(0)} ms)`,
  );
}
