/**
 * fio options dio accepts and ignores because they cannot change its result:
 * they tune the page cache, user memory, the clock or the host process, none
 * of which the emulated O_DIRECT path depends on. Their values are still
 * checked as fio checks them, and fio's JSON echoes them as usual.
 * @module
 */
import type { OptionDef } from './options';
import { runSchema, zChoice, zFlag, zParsed, type ValueSchema } from './schemas';
import { parseBool, parseInteger, parseSize, type Parsed } from './units';

const CLOCKS = { gettimeofday: 0, clock_gettime: 1, cpu: 2 } as const;
const FADVISE = { '0': 0, '1': 1, random: 2, sequential: 3 } as const;
const MEM_TYPES = ['malloc', 'shm', 'shmhuge', 'mmap', 'mmapshared', 'mmaphuge'];

/** `mem`: a type, or `mmap:/path` / `mmaphuge:/path` (fio's file-backed buffers). */
function parseMem(s: string): Parsed<string> {
  const type = s.split(':')[0] ?? s;
  return MEM_TYPES.includes(type) ? { ok: true, value: s } : { ok: false, error: `'${s}' is not one of ${MEM_TYPES.join(', ')}` };
}

function ignored(name: string, schema: ValueSchema<unknown>, why: string, aliases: readonly string[] = [], bare = false): OptionDef & { readonly why: string } {
  return {
    name,
    aliases,
    needsValue: !bare,
    why,
    apply(d, raw, at) {
      const r = runSchema(schema, raw);
      if (!r.ok) return r.error;
      d.setAt.set(name, at);
      return undefined;
    },
  };
}

const bool = zParsed(parseBool);
const size = zParsed((s) => parseSize(s));
const int = zParsed(parseInteger);
const PAGE_CACHE = 'only affects the page cache, which O_DIRECT I/O bypasses';
const USER_MEMORY = 'only affects how fio allocates its buffers; dio models no user memory';
const SETUP = 'only affects how fio creates files before the run, which dio lays out instantly';

/** The options dio accepts and ignores, each with why it cannot change the result (listed in docs/guides/fio.md). */
export const IGNORED_OPTIONS: readonly (OptionDef & { readonly why: string })[] = [
  ignored('invalidate', bool, PAGE_CACHE),
  ignored('fadvise_hint', zChoice(FADVISE), PAGE_CACHE),
  ignored('mem', zParsed(parseMem), USER_MEMORY, ['iomem']),
  ignored('iomem_align', int, USER_MEMORY, ['mem_align']),
  ignored('hugepage-size', size, USER_MEMORY),
  ignored('lockmem', size, USER_MEMORY),
  ignored('clocksource', zChoice(CLOCKS), "dio's clock is the simulation's exact nanosecond clock"),
  ignored('gtod_cpu', int, "dio's clock is the simulation's exact nanosecond clock"),
  ignored('create_serialize', bool, SETUP),
  ignored('create_fsync', bool, SETUP),
  ignored('allow_file_create', bool, SETUP),
  ignored('allow_mounted_write', bool, 'dio never writes to a real device'),
  ignored('uid', int, 'dio runs no processes on the host'),
  ignored('gid', int, 'dio runs no processes on the host'),
  ignored('unique_filename', zFlag, 'only affects fio client/server runs', [], true),
];
