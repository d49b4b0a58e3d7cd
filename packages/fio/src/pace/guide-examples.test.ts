import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseJobFile } from '../parse-job-file';

// the worked job files of docs/guides/fio.md's "Job-file options" section parse as written
const guide = readFileSync(join(import.meta.dirname, '../../../../docs/guides/fio.md'), 'utf8');
const start = guide.indexOf('## Job-file options fio users write every day');
const end = guide.indexOf('\n## ', start + 1);
const section = guide.slice(start, end < 0 ? undefined : end);
const blocks = [...section.matchAll(/```ini\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');

describe('docs/guides/fio.md job-file option examples', () => {
  it('has one per group', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(4);
  });
  it.each(blocks.map((b, i) => [i + 1, b] as const))('example %i parses', (_, text) => {
    expect(parseJobFile(text, 'guide.fio', { env: { SIZE: '64m' }, keywords: { pagesize: 4096, ncpus: 4, mbMemory: 16384 } }).length).toBeGreaterThan(0);
  });
});
