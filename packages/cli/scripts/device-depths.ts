/**
 * Run the real-VM job (fio randwrite 4 KiB, O_DIRECT, pinned to CPU 1) at
 * several queue depths on a profile and print fio's figures next to the
 * device's counters: interrupts and kicks per I/O, and the share of dio
 * completions run by the submitter.
 * Usage (in packages/cli): node ../../scripts/run-ts.mjs scripts/device-depths.ts <profile.json|name> [engine] [qds] [runtime]
 */
import { readFileSync } from 'node:fs';
import { parseFioArgs, parseProfile, profileByName, runJobs } from '@dio/fio';

const [profileArg = 'linux-6.6', engine = 'io_uring', qdList = '1,2,4,8,16', runtime = '1s'] = process.argv.slice(2);
const profile = profileArg.endsWith('.json') ? parseProfile(readFileSync(profileArg, 'utf8'), profileArg) : profileByName(profileArg);
const rows: string[] = ['| QD | IOPS | p50 clat µs | p99 clat µs | mean slat µs | mean lat µs | interrupts/IO | kicks/IO | completed by submitter |', '|---|---|---|---|---|---|---|---|---|'];
for (const qd of qdList.split(',').map(Number)) {
  const args = ['--name=w', '--rw=randwrite', '--bs=4k', '--direct=1', `--ioengine=${engine}`, `--iodepth=${qd}`, '--size=1g', `--runtime=${runtime}`, '--time_based=1', '--cpus_allowed=1', '--norandommap=1'];
  const inv = parseFioArgs(args);
  const out = runJobs(inv.jobs, profile, { seed: 1, accounting: { stages: true } });
  const w = out.result.jobs[0]?.write;
  const st = out.stack.sim.stages;
  const dev = out.stack.dev.stats;
  if (w === undefined || st === null) throw new Error('no result');
  const ios = w.totalIos;
  const total = st.countOf('iomapDioComplete');
  const issuer = total > 0 ? st.countOf('iomapDioComplete', 'issuer') / total : 0;
  const us = (ns: number): string => (ns / 1000).toFixed(1);
  const secs = w.runtimeNs / 1e9;
  rows.push(`| ${qd} | ${Math.round(ios / secs).toLocaleString('en-US')} | ${us(w.clat.percentile(50))} | ${us(w.clat.percentile(99))} | ${us(w.slat.mean)} | ${us(w.lat.mean)} | ${(dev.interrupts / dev.completed).toFixed(3)} | ${(dev.kicks / dev.completed).toFixed(3)} | ${(issuer * 100).toFixed(2)}% |`);
}
console.log(rows.join('\n'));
