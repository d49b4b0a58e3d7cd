import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseJobFile } from '../parse-job-file';
import { planFiles } from './file-plan';
import { FioIoGen } from './io-gen';

// fio 3.33's own write_iolog output for the job files in test/iolog/jobs,
// recorded by test/iolog/record.sh (ioengine=null): dio must pick the same
// directions, offsets and lengths, in the same order.
const root = join(import.meta.dirname, '../../test/iolog');
const jobsDir = join(root, 'jobs');
const fixtures = join(root, 'fixtures');

function dioLog(text: string, file: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let thread = 0;
  for (const job of parseJobFile(text, file)) {
    for (let clone = 0; clone < job.numjobs; clone++) {
      thread++;
      const names = Array.from({ length: job.files.nrfiles }, (_, i) => `${job.name}.${clone}.${i}`);
      const plans = planFiles(job, names, clone, () => undefined);
      const gen = new FioIoGen(job, plans, { threadNumber: thread, subjob: clone, entropy: () => 0n });
      const lines: string[] = [];
      for (let p = gen.next(); p !== null && lines.length < 100_000; p = gen.next()) lines.push(`${names[gen.fileIndex] ?? ''} ${p.ddir} ${p.offset} ${p.len}`);
      out.set(job.name, lines);
    }
  }
  return out;
}

describe('offsets, sizes and directions match fio 3.33 write_iolog', () => {
  for (const f of readdirSync(jobsDir).filter((n) => n.endsWith('.fio'))) {
    const base = f.slice(0, -4);
    const logs = dioLog(readFileSync(join(jobsDir, f), 'utf8'), f);
    for (const [job, lines] of logs) {
      it(`${base} [${job}]`, () => {
        const want = readFileSync(join(fixtures, `${base}.${job}.iolog`), 'utf8').trim().split('\n');
        expect(lines).toEqual(want);
      });
    }
  }
});
