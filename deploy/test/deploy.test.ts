/**
 * The deploy/ definitions, checked as far as a machine without a cluster,
 * Docker or GitHub allows: the Job against the Kubernetes schemas
 * (kubernetes-models), the workflow against GitHub's own workflow schema
 * (@actions/workflow-parser, what github.com's editor uses), the shell
 * scripts with `bash -n` and by running them — the shard script for real on
 * a small fuzz campaign whose merge must equal the unsharded run.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { Job } from 'kubernetes-models/batch/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { bundleFromSource } from '../../scripts/bundle-source.mjs';

const deploy = join(__dirname, '..');
const root = join(deploy, '..');
const read = (f: string): string => readFileSync(join(deploy, f), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'dio-deploy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The Job manifest as an object, with an edit applied. */
function job(edit: (j: Record<string, unknown> & { spec: Record<string, unknown> }) => void = () => {}): Job {
  const j = parse(read('kubernetes/dio-shards-job.yaml')) as Record<string, unknown> & { spec: Record<string, unknown> };
  edit(j);
  return new Job(j as unknown as ConstructorParameters<typeof Job>[0]); // unchecked on purpose: validate() is the check
}

describe('kubernetes/dio-shards-job.yaml', () => {
  it('is a valid batch/v1 Job: Indexed, one shard per completion', () => {
    const j = job();
    expect(() => j.validate()).not.toThrow();
    expect(j.spec?.completionMode).toBe('Indexed');
    const c = j.spec?.template.spec?.containers[0];
    expect(c?.command).toEqual(['deploy/dio-shard.sh']);
    // the shard count the pods are told is the number of completions
    expect(c?.env?.find((e) => e.name === 'DIO_SHARD_COUNT')?.value).toBe(String(j.spec?.completions));
    expect(j.spec?.parallelism).toBe(j.spec?.completions);
  });

  it('the schema check is not vacuous: a broken Job is refused', () => {
    expect(() => job((j) => (j.spec.completionMode = 'Sharded')).validate()).toThrow();
    expect(() => job((j) => (j.spec.completions = 'sixteen')).validate()).toThrow();
    expect(() => job((j) => delete j.spec.template).validate()).toThrow();
  });
});

/** GitHub's schema errors of a workflow text. */
function workflowErrors(content: string): string[] {
  const r = parseWorkflow({ name: 'dio-shards.yml', content }, new NoOperationTraceWriter());
  return r.context.errors.getErrors().map((e) => e.message);
}

describe('github/dio-shards.yml', () => {
  it("passes GitHub's workflow schema, with a shard matrix and a merge job after it", () => {
    const text = read('github/dio-shards.yml');
    expect(workflowErrors(text)).toEqual([]);
    const w = parse(text) as { jobs: Record<string, { needs?: string; strategy?: { matrix: { shard: string } }; steps: { run?: string; uses?: string; env?: Record<string, string> }[] }> };
    expect(w.jobs.shard?.strategy?.matrix.shard).toContain('fromJSON');
    expect(w.jobs.shard?.steps.find((s) => s.run?.startsWith('deploy/dio-shard.sh'))?.env?.DIO_SHARD_INDEX).toBe('${{ matrix.shard }}');
    expect(w.jobs.merge?.needs).toBe('shard');
    expect(w.jobs.merge?.steps.some((s) => s.run?.startsWith('node scripts/dio.mjs merge results/*.json'))).toBe(true);
    expect(w.jobs.merge?.steps.some((s) => s.uses?.startsWith('actions/download-artifact@'))).toBe(true);
  });

  it('the schema check is not vacuous: a broken workflow is refused', () => {
    const text = read('github/dio-shards.yml');
    expect(workflowErrors(text.replace('runs-on: ubuntu-latest', 'runs_on: ubuntu-latest'))).not.toEqual([]);
    expect(workflowErrors(text.replace('fail-fast: false', 'fail-fast: maybe'))).not.toEqual([]);
  });
});

describe('Dockerfile', () => {
  it('builds on the official Node 20 image, installs pnpm 10 with npm and the locked dependencies', () => {
    const lines = read('Dockerfile').split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    expect(lines[0]).toMatch(/^FROM node:20(-[a-z]+)*$/);
    expect(lines).toContain('RUN npm install -g pnpm@10');
    expect(lines).toContain('RUN pnpm install --frozen-lockfile');
    // every script the image's users call is in the image
    expect(read('Dockerfile.dockerignore')).not.toMatch(/^(deploy|scripts)/m);
  });
});

describe('the shard scripts', () => {
  const bundle = join(dir, 'dio.mjs');
  beforeAll(() => bundleFromSource(join(root, 'packages', 'cli', 'src', 'bin.ts'), bundle));
  const run = (script: string, args: string[], env: Record<string, string>) => promisify(execFile)('bash', [join(deploy, script), ...args], { cwd: root, env: { PATH: process.env.PATH ?? '', ...env } });

  it('parse (bash -n)', () => {
    for (const f of ['dio-shard.sh', 'slurm/dio-shards.sbatch']) execFileSync('bash', ['-n', join(deploy, f)]);
  });

  it('the Slurm script runs shard SLURM_ARRAY_TASK_ID of SLURM_ARRAY_TASK_COUNT (dry run)', async () => {
    const env = { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '16', SLURM_ARRAY_TASK_MIN: '0', SLURM_SUBMIT_DIR: root, DIO_DRY_RUN: '1' };
    expect((await run('slurm/dio-shards.sbatch', [], env)).stdout).toBe('node scripts/dio.mjs fuzz --seeds 100000 --format json --quiet --shard 3/16 > results/fuzz-3-of-16.json\n');
    const sweep = await run('slurm/dio-shards.sbatch', ['sweep', 'my.fio', '--set', 'iodepth=1,2'], env);
    expect(sweep.stdout).toBe('node scripts/dio.mjs sweep my.fio --set iodepth=1,2 --format json --quiet --shard 3/16 > results/sweep-3-of-16.json\n');
    await expect(run('slurm/dio-shards.sbatch', [], { ...env, SLURM_ARRAY_TASK_MIN: '1' })).rejects.toThrow(/array indices must start at 0/);
    await expect(run('slurm/dio-shards.sbatch', [], { DIO_DRY_RUN: '1' })).rejects.toThrow(/run this as a Slurm array job/);
  });

  it('three Kubernetes-style shards of a small fuzz campaign merge to the unsharded run', async () => {
    const out = join(dir, 'results');
    const args = ['fuzz', '--seeds', '6', '--from', '9001'];
    const env = { DIO: `${process.execPath} ${bundle}`, DIO_SHARD_COUNT: '3', DIO_OUT: out };
    await Promise.all(['0', '1', '2'].map((i) => run('dio-shard.sh', args, { ...env, JOB_COMPLETION_INDEX: i })));
    const files = readdirSync(out).sort();
    expect(files).toEqual(['fuzz-0-of-3.json', 'fuzz-1-of-3.json', 'fuzz-2-of-3.json']);
    const merged = await promisify(execFile)(process.execPath, [bundle, 'merge', ...files.map((f) => join(out, f))]);
    const whole = await promisify(execFile)(process.execPath, [bundle, ...args, '--format', 'json', '--quiet']);
    expect(merged.stdout).toBe(whole.stdout);
  }, 120_000);
});
