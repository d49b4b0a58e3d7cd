/**
 * Where a job's file lives and what happens to it (fio's directory,
 * filename_format, nrfiles, openfiles, file_service_type, unlink,
 * create_on_open), kept together in `FioJob.files`, and fio's file naming
 * (filesetup.c: add_file(), init.c: make_filename()).
 * @module
 */
import type { JobFields } from '../draft';
import { bool, def, intIn, type OptionDef } from '../option-def';
import { zParsed } from '../schemas';
import { parseFileService } from './file-service';
import type { Parsed } from '../units';

/** The file options of a job. */
export interface FioFileOptions {
  /** `directory`, split at ':' (clones take them in turn). */
  readonly directories: readonly string[];
  /** `filename_format` (fio's default `$jobname.$jobnum.$filenum`). */
  readonly filenameFormat: string;
  /** `nrfiles`: files per job (`$filenum` 0..n-1), `size` split among them; ignored with `filename=`, as fio. */
  readonly nrfiles: number;
  /** `openfiles`. */
  readonly openfiles: number;
  /** `file_service_type` as written (meaningful with several files). */
  readonly fileServiceType: string;
  /** `unlink`. */
  readonly unlink: boolean;
  /** `create_on_open`. */
  readonly createOnOpen: boolean;
}

/** fio's defaults. */
export const DEFAULT_FILE_OPTIONS: FioFileOptions = {
  directories: [],
  filenameFormat: '$jobname.$jobnum.$filenum',
  nrfiles: 1,
  openfiles: 1,
  fileServiceType: 'roundrobin',
  unlink: false,
  createOnOpen: false,
};

function setFiles(f: JobFields, patch: Partial<FioFileOptions>): void {
  f.files = { ...f.files, ...patch };
}

const nonEmpty = (s: string): Parsed<string> => (s.trim() === '' ? { ok: false, error: 'must not be empty' } : { ok: true, value: s.trim() });


// options.c: str_fst_cb(): checked here, kept as written (the JSON echoes it; the generator parses it again)
function fileServiceAsWritten(s: string): Parsed<string> {
  const p = parseFileService(s);
  return p.ok ? { ok: true, value: s.trim() } : p;
}

/** The options of this group. */
export const FILE_OPTION_DEFS: readonly OptionDef[] = [
  def('directory', () => zParsed(nonEmpty), (f, v) => setFiles(f, { directories: v.split(':').filter((d) => d !== '') })),
  def('filename_format', () => zParsed(nonEmpty), (f, v) => setFiles(f, { filenameFormat: v })),
  def('nrfiles', () => intIn(1, 1 << 20), (f, v) => setFiles(f, { nrfiles: v }), { aliases: ['nr_files'] }),
  def('openfiles', () => intIn(1), (f, v) => setFiles(f, { openfiles: v }), { aliases: ['open_files'] }),
  def('file_service_type', () => zParsed(fileServiceAsWritten), (f, v) => setFiles(f, { fileServiceType: v })),
  def('unlink', bool, (f, v) => setFiles(f, { unlink: v })),
  def('create_on_open', bool, (f, v) => setFiles(f, { createOnOpen: v })),
];

/**
 * The path of file 0 of clone `jobnum` (init.c: make_filename() with
 * filename_format; filesetup.c: add_file() puts generated names of clone k
 * in directory k mod n, an explicit filename in the first directory).
 */
export function jobFilePath(name: string, filename: string | undefined, files: FioFileOptions, jobnum: number, filenum = 0): string {
  const dirs = files.directories;
  const base = filename ?? files.filenameFormat.replaceAll('$jobname', name).replaceAll('$jobnum', String(jobnum)).replaceAll('$filenum', String(filenum)).replaceAll('$clientuid', '0');
  if (dirs.length === 0) return base;
  const dir = filename === undefined ? (dirs[jobnum % dirs.length] as string) : (dirs[0] as string);
  return `${dir.replace(/\/+$/, '')}/${base}`;
}
