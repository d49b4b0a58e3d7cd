import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runFromFioJson } from '../src/calibrate/points';
import { Interrupted } from '../src/errors';
import { interruptible } from '../src/interrupt';
import { main } from '../src/main';
import { oneLine } from '../src/one-line';
import { userCwd } from '../src/user-fs';

const dir = mkdtempSync(join(tmpdir(), 'dio-robust-'));
const put = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
mkdirSync(join(dir, 'adir'));
mkdirSync(join(dir, 'adir.svg'));
mkdirSync(join(dir, 'dir.json'));
const jobText = '[w]\nsize=64m\nrw=randwrite\nbs=4k\ndirect=1\nioengine=io_uring\niodepth=2\ntime_based=1\nruntime=1ms\n';
put('job.fio', jobText);
const fixture = join(__dirname, 'fixtures', 'fio-3.33-randwrite-io_uring-qd4.json');
const fioJson = JSON.parse(readFileSync(fixture, 'utf8')) as { jobs: Record<string, unknown>[] } & Record<string, unknown>;

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => (out += `${s}\n`), err: (s) => (err += `${s}\n`), isTTY: false, cwd: dir });
  return { code, out, err };
}

/** The command failed with exactly one `dio:` line on stderr matching `re`, and no stack trace anywhere. */
async function failsWith(argv: string[], re: RegExp, code = 1): Promise<void> {
  const r = await cli(...argv);
  expect(r.code, r.err).toBe(code);
  const lines = r.err.split('\n').filter(Boolean);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^dio: /);
  expect(lines[0]).toMatch(re);
  expect(r.out + r.err).not.toMatch(/\n\s+at /);
}

describe('filesystem errors: one line naming the path and the problem', () => {
  it.each([
    [['run', 'adir'], /cannot read job file 'adir': is a directory \(EISDIR\)$/],
    [['sweep', 'adir', '--set', 'bs=4k'], /cannot read job file 'adir': is a directory/],
    [['run', 'job.fio/x'], /cannot read job file 'job\.fio\/x': a part of the path is not a directory \(ENOTDIR\)/],
    [['run', 'missing.fio'], /cannot read job file 'missing\.fio': no such file or directory \(ENOENT\)/],
    [['run', 'job.fio', '--profile', 'dir.json'], /cannot read profile 'dir\.json': is a directory/],
    [['compare', '--profiles', 'linux-6.5,dir.json'], /cannot read profile 'dir\.json': is a directory/],
    [['calibrate', 'adir', '--out', 'x.json'], /cannot read fio JSON result 'adir': is a directory/],
    [['run', 'job.fio', '--trace', 'adir', '--quiet'], /cannot write trace 'adir': is a directory/],
    [['trace', 'job.fio', '--out', 'adir'], /cannot write trace 'adir': is a directory/],
    [['trace', 'job.fio', '--out', 'nodir/t.json'], /cannot write trace 'nodir\/t\.json': no such file or directory/],
    [['compare', '--qd', '1', '--runtime', '1ms', '--plot', 'adir.svg'], /cannot write plot 'adir.svg': is a directory/],
    [['run', 'job.fio', '--trace', 'bad\u0000name'], /cannot write trace 'bad\\u0000name': not a valid path/],
  ])('%j', async (argv, re) => failsWith(argv, re));

  it.skipIf(!existsSync('/dev/full'))('a full disk: ENOSPC (/dev/full)', async () => {
    await failsWith(['trace', 'job.fio', '--out', '/dev/full'], /cannot write trace '\/dev\/full': no space left on device \(ENOSPC\)$/);
  });

  it('a write_lat_log path that cannot be written', async () => {
    put('log.fio', `${jobText}write_lat_log=adir/x/lat\n`);
    await failsWith(['run', 'log.fio'], /cannot write (latency )?log 'adir\/x\/lat_slat\.1\.log': no such file or directory/);
  });

  it('under pnpm, the user\'s directory is INIT_CWD (pnpm runs root scripts in the workspace root)', () => {
    const script = { npm_lifecycle_event: 'soak', INIT_CWD: '/home/me/jobs', npm_package_json: '/repo/package.json' };
    expect(userCwd(script, '/repo')).toBe('/home/me/jobs');
    // the same variables inherited by a dio that runs in a directory of its own (a test's, a tool's)
    expect(userCwd(script, '/tmp/consumer')).toBe('/tmp/consumer');
    expect(userCwd({ INIT_CWD: '/leaked/from/a/parent' }, '/here')).toBe('/here');
    expect(userCwd({}, '/here')).toBe('/here');
  });

  it('relative paths start from the directory dio was run from (Io.cwd)', async () => {
    const r = await cli('trace', 'job.fio', '--out', 'rel-trace.json');
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'rel-trace.json'), 'utf8')).toMatch(/^\{"traceEvents"/);
  });
});

describe('profile names that are Object.prototype members', () => {
  it.each(['toString', 'constructor', '__proto__', 'hasOwnProperty'])('%s', async (name) => {
    await failsWith(['run', 'job.fio', '--profile', name], new RegExp(`unknown profile '${name}'`));
    await failsWith(['compare', '--profiles', `linux-6.5,${name}`], new RegExp(`unknown profile '${name}'`));
    await failsWith(['compare', '--policies', name], new RegExp(`unknown policy '${name}'`));
    put(`ext-${name}.json`, JSON.stringify({ extends: name }));
    await failsWith(['run', 'job.fio', '--profile', `ext-${name}.json`], /field 'extends': unknown profile/);
  });
});

describe('profiles: no silent wrong columns', () => {
  it('two profiles with the same name are refused', async () => {
    put('a.json', JSON.stringify({ name: 'same', extends: 'linux-6.5' }));
    put('b.json', JSON.stringify({ name: 'same', extends: 'linux-6.19' }));
    await failsWith(['compare', '--profiles', 'a.json,b.json'], /'a\.json' and 'b\.json' are both named 'same'/);
    await failsWith(['sweep', 'job.fio', '--profiles', 'a.json,b.json'], /both named 'same'/);
    await failsWith(['compare', '--policies', 'caller,caller'], /both named 'linux-6\.6-rc1'/);
  });

  it('--policies with --profiles is refused', async () => {
    await failsWith(['compare', '--policies', 'caller', '--profiles', 'linux-6.5'], /--policies and --profiles/);
  });

  it('linux-6.6 is labelled by where its completions run: the workqueue', async () => {
    const r = await cli('compare', '--qd', '1', '--runtime', '1ms', '--profiles', 'linux-6.6,linux-6.6-rc1,linux-6.19', '--format', 'json');
    const j = JSON.parse(r.out) as { results: { profile: string; policy: string }[] };
    expect(j.results.map((x) => [x.profile, x.policy])).toEqual([
      ['linux-6.6', 'workqueue'],
      ['linux-6.6-rc1', 'caller'],
      ['linux-6.19', 'inline'],
    ]);
    const libaio = await cli('compare', '--qd', '1', '--runtime', '1ms', '--profiles', 'linux-6.6-rc1', '--engine', 'libaio', '--format', 'json');
    expect((JSON.parse(libaio.out) as { results: { policy: string }[] }).results[0]?.policy).toBe('workqueue');
  });
});

describe('a job that fails is an error, never a zero', () => {
  it('compare --qd 65536: io_uring_setup refuses the depth', async () => {
    await failsWith(['compare', '--qd', '65536', '--runtime', '1ms', '--profiles', 'linux-6.5'], /QD 65536 on linux-6\.5 \(io_uring\): the job failed: error=22 \(EINVAL\)/);
  });

  it('run and trace of a job whose engine cannot be set up', async () => {
    put('deep.fio', jobText.replace('iodepth=2', 'iodepth=65536'));
    for (const argv of [['run', 'deep.fio'], ['trace', 'deep.fio', '--out', 'deep-trace.json']]) {
      const r = await cli(...argv);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/^(dio: wrote .*\n)?dio: job 'w' failed: error=22 \(EINVAL\)\n$/);
    }
  });

  it('calibrate on a point with iodepth=65536', async () => {
    const deep = structuredClone(fioJson);
    (deep.jobs[0] as { 'job options': Record<string, string> })['job options'].iodepth = '65536';
    put('deep.json', JSON.stringify(deep));
    await failsWith(['calibrate', 'deep.json', '--out', 'deep-out.json', '--starts', '1', '--evaluations', '1', '--runtime', '1ms'], /deep\.json: job '.*' failed: error=22 \(EINVAL\)/);
  });

  it('a job whose files do not fit the device says how to grow it', async () => {
    put('tiny.json', JSON.stringify({ extends: 'linux-6.6', device: { gb: 1 } }));
    put('two.fio', jobText.replace('size=64m', 'size=1g\nnumjobs=2'));
    await failsWith(['run', 'two.fio', '--profile', 'tiny.json'], /two\.fio:1: job 'w': the job files need 1 GiB but the device .* holds 1023\.75 MiB: .*"device": \{"gb": 2\}/);
  });
});

describe('calibrate reads fio JSON as fio wrote it', () => {
  it.each([
    ['null', /null\.json: \(top level\): Expected object, received null/],
    ['{"jobs":[null]}', /jobs\[0\]: Expected object, received null/],
    ['{"jobs":[{"job options":null}]}', /jobs\[0\]\["job options"\]: Expected object, received null/],
    ['{"jobs":[{"job options":"bs=4k"}]}', /jobs\[0\]\["job options"\]: Expected object, received string/],
    ['{"jobs":[]}', /jobs: has no jobs/],
    ['{"jobs":[{"job options":{"bs":4096}}]}', /jobs\[0\]\["job options"\]\.bs: Expected string, received number/],
  ])('%s', async (text, re) => {
    put('null.json', text);
    await failsWith(['calibrate', 'null.json', '--out', 'o.json'], re);
  });

  it('merges "global options" under each job\'s options, as fio does (the job wins)', () => {
    const { 'job options': opts } = fioJson.jobs[0] as { 'job options': Record<string, string> };
    const { iodepth: _d, ioengine, direct, ...rest } = opts;
    const split = { ...fioJson, 'global options': { ioengine, direct, iodepth: '16', bs: '64k' }, jobs: [{ ...fioJson.jobs[0], 'job options': { ...rest, iodepth: '4' } }] };
    const p = runFromFioJson(JSON.stringify(split), 'split.json', '1ms');
    expect([p.job.ioengine, p.job.direct, p.job.iodepth, p.job.bs.write]).toEqual(['io_uring', true, 4, 4096]);
  });

  it('an option error names the JSON file and the key', () => {
    const bad = { ...fioJson, 'global options': { direct: '0' } };
    expect(() => runFromFioJson(JSON.stringify({ ...bad, jobs: [{ ...fioJson.jobs[0], 'job options': { ...(fioJson.jobs[0]?.['job options'] as object), iodepth: 'lots' } }] }), 'g.json', '1ms')).toThrow(
      /^g\.json: jobs\[0\]\["job options"\]\.iodepth: /,
    );
  });

  it('--runtime 0, a huge --evaluations and CPUs that do not hold the pinned job are refused before anything runs', async () => {
    await failsWith(['calibrate', fixture, '--out', 'o.json', '--runtime', '0'], /--runtime: '0' must be more than 0/);
    await failsWith(['calibrate', fixture, '--out', 'o.json', '--evaluations', '1e308'], /--evaluations: '1e308' must be an integer in 1\.\.100000/);
    await failsWith(['calibrate', fixture, '--out', 'o.json', '--starts', '0'], /--starts: '0' must be an integer in 1\.\.1000/);
  });

  it.each([
    [['--device-kind', 'bogus'], /^dio: --device-kind: 'bogus' must be one of null_blk, nvme, virtio-blk or auto$/],
    [['--host-io', 'sync'], /^dio: --host-io: only a virtio-blk disk has a host \(add --device-kind virtio-blk\)$/],
    [['--device-kind', 'virtio-blk', '--host-io', 'fast'], /^dio: --host-io: 'fast' must be async or sync$/],
    [['--device-kind', 'virtio-blk', '--irq-cpu', '7', '--cpus', '2'], /^dio: --irq-cpu 7: the machine has CPUs 0\.\.1$/],
    [['--device-kind', 'nvme', '--cpus', '2', '--queues', '9'], /^dio: --queues 9: at most one hardware queue per CPU \(2\)$/],
    [['--irq-cpu', '-1'], /^dio: --irq-cpu: '-1' must be a CPU number in 0\.\.4095$/],
  ])('calibrate %j is refused in one line before anything runs', async (flags, re) => {
    await failsWith(['calibrate', fixture, '--out', 'o.json', ...flags], re);
  });

  it('names the written profile after its file, so two calibrations get two columns', async () => {
    const r = await cli('calibrate', fixture, '--out', 'mine.json', '--starts', '1', '--evaluations', '1', '--runtime', '1ms');
    expect(r.code, r.err).toBe(0);
    expect((JSON.parse(readFileSync(join(dir, 'mine.json'), 'utf8')) as { name: string }).name).toBe('linux-6.6+mine.json');
  });
});

describe('the command line', () => {
  it('--version, and help that lists the profiles and gives every command an example', async () => {
    expect((await cli('--version')).out.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const help = await cli('--help');
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/Profiles: linux-6\.5, linux-6\.6-rc1, linux-6\.6, linux-6\.19/);
    for (const c of ['compare', 'sweep', 'run', 'trace', 'report', 'calibrate', 'fuzz', 'merge']) expect((await cli(c, '--help')).out).toMatch(new RegExp(`Example:\\n  dio ${c} `));
  });

  it('commander\'s errors are dio: lines (exit 2), not error: lines', async () => {
    await failsWith(['compare', '--frobnicate'], /^dio: unknown option '--frobnicate'$/, 2);
    await failsWith(['run'], /^dio: missing job file or --name job \(dio run job\.fio, or dio run --name=w --rw=randwrite \.\.\.\)$/, 2);
    await failsWith([], /^dio: no command: use one of compare, sweep, run, trace, report, calibrate, fuzz, merge \(dio --help\)$/, 2);
    await failsWith(['compare', '--engine', 'spdk'], /^dio: option '--engine <name>' argument 'spdk' is invalid/, 2);
  });

  it('a user\'s bad bytes and huge option names come back shortened and escaped', async () => {
    const huge = `--${'x'.repeat(200_000)}`;
    const r = await cli('compare', huge);
    expect(r.err.length).toBeLessThan(200);
    expect(r.err).toMatch(/^dio: unknown option '--x{50,}…x{10,}'\n$/);
    await failsWith(['compare', '--qd', '1\n2\u0007\u001b[31m'], /--qd: '1\\n2\\u0007\\u001b\[31m'/);
    expect(oneLine('a\u2028b\ud800c\u0085')).toBe('a\\u2028b\\ud800c\\u0085');
  });
});

describe('Ctrl-C while workers run', () => {
  it('aborts the work with Interrupted and stops the bar', async () => {
    let stopped = false;
    let seen: unknown;
    const p = interruptible(
      (signal) =>
        new Promise<never>((_, reject) => {
          signal.addEventListener('abort', () => {
            seen = signal.reason;
            reject(signal.reason as Error);
          });
        }),
      { stop: () => (stopped = true) },
    );
    process.emit('SIGINT');
    await expect(p).rejects.toBeInstanceOf(Interrupted);
    expect(seen).toBeInstanceOf(Interrupted);
    expect(stopped).toBe(true);
    expect(process.listenerCount('SIGINT')).toBe(0);
  });
});
