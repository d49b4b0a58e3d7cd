import { describe, expect, it } from 'vitest';
import { FioJobError } from './errors';
import { parseFioArgs } from './parse-args';

function err(argv: string[], readFile?: (p: string) => string): FioJobError {
  try {
    parseFioArgs(argv, readFile === undefined ? {} : { readFile });
  } catch (e) {
    if (e instanceof FioJobError) return e;
    throw e;
  }
  throw new Error('expected FioJobError');
}

describe('parseFioArgs', () => {
  it('starts a job per --name; options before the first are global', () => {
    const inv = parseFioArgs(['--size=1m', '--ioengine=libaio', '--name=a', '--rw=write', '--name=b', '--iodepth', '8', '--output-format=json+,normal']);
    expect(inv.jobs.map((j) => [j.name, j.ioengine, j.rw, j.iodepth])).toEqual([
      ['a', 'libaio', 'write', 1],
      ['b', 'libaio', 'read', 8],
    ]);
    expect(inv.globalOptions).toEqual([{ name: 'size', value: '1m' }, { name: 'ioengine', value: 'libaio' }]);
    expect(inv.jobs[1]?.options).toEqual([{ name: 'name', value: 'b' }, { name: 'iodepth', value: '8' }]);
    expect(inv.outputFormats).toEqual(['json+', 'normal']);
    expect(inv.jobs[0]?.source).toEqual({ file: 'command line', line: 3 });
  });

  it('defaults to normal output and accepts --output', () => {
    const inv = parseFioArgs(['--name=a', '--size=1m', '--output=out.json']);
    expect(inv.outputFormats).toEqual(['normal']);
    expect(inv.output).toBe('out.json');
  });

  it('reads job files given as arguments', () => {
    const inv = parseFioArgs(['--name=cli', '--size=1m', 'x.fio'], { readFile: () => '[global]\nsize=2m\n[f]\nrw=write\n' });
    expect(inv.jobs.map((j) => [j.name, j.size, j.source.file])).toEqual([
      ['cli', 2 ** 20, 'command line'],
      ['f', 2 ** 21, 'x.fio'],
    ]);
    expect(inv.globalOptions).toEqual([{ name: 'size', value: '2m' }]);
  });

  it('accepts terse among the output formats', () => {
    expect(parseFioArgs(['--name=a', '--size=1m', '--output-format=terse,json']).outputFormats).toEqual(['terse', 'json']);
  });

  it.each([
    [['--name=a', '--size=1m', '--foo=1'], 3, 'foo', "command line:3: bad option <foo=1>: fio has no option 'foo'"],
    [['--name=a', '--size=1m', '--minimal'], 3, 'minimal', undefined],
    [['--name=a', '--size=1m', '--output-format=xml'], 3, 'output-format', undefined],
    [['--name=a', '--size=1m', '--iodepth'], 3, 'iodepth', "command line:3: option 'iodepth' requires a value"],
    [['--name=a', '--bs=4q', '--size=1m'], 2, 'bs', undefined],
    [['--name=a'], 1, undefined, "command line:1: job 'a' has no size (set size= or filesize=)"],
    [['--size=1m'], 0, undefined, 'command line: no jobs defined (use --name=<job> or a job file)'],
    [['job.fio'], 1, undefined, undefined],
  ])('rejects %j', (argv, line, option, message) => {
    const e = err(argv);
    expect(e.file).toBe('command line');
    expect(e.line).toBe(line);
    expect(e.option).toBe(option);
    if (message !== undefined) expect(e.message).toBe(message);
  });

  it('reports errors inside job files with their own file:line, and unreadable files', () => {
    const e = err(['a.fio'], () => '[w]\nsize=1m\nbogus=1\n');
    expect(e.message).toBe("a.fio:3: bad option <bogus=1>: fio has no option 'bogus'");
    const f = err(['missing.fio'], () => {
      throw new Error('ENOENT');
    });
    expect(f.message).toBe("command line:1: cannot read job file 'missing.fio': ENOENT");
  });
});
