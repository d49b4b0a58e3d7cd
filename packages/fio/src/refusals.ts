/**
 * What dio refuses, and how it says so: options fio's parser does not know
 * (fio's "Bad option"), fio options and values dio does not emulate (buffered
 * I/O, network and exotic engines, zoned devices, trim), each as one line that
 * names the option or engine first and says what to change.
 * @module
 */
import { FIO_ENGINE_OPTIONS, FIO_GENERAL_OPTIONS } from './fio-known-options';

/** The engines dio emulates. */
const EMULATED_ENGINES: readonly string[] = ['io_uring', 'libaio', 'psync', 'pvsync2', 'sync'];

/** The engines dio emulates, as written in refusal messages. */
export const DIO_ENGINES = `${EMULATED_ENGINES.slice(0, -1).join(', ')} or ${EMULATED_ENGINES.at(-1) ?? ''}`;

const USE_ENGINE = `use ioengine=${DIO_ENGINES}`;
const NETWORK = `network I/O is not emulated (dio models a local block device); ${USE_ENGINE}`;
const PASSTHROUGH = `command passthrough is not emulated (dio models the read/write path through iomap); ${USE_ENGINE}`;

/** Why each fio engine dio does not emulate is refused, and what to use instead. */
const ENGINE_REFUSALS: Readonly<Record<string, string>> = {
  net: NETWORK,
  netsplice: NETWORK,
  rdma: NETWORK,
  nbd: NETWORK,
  rados: NETWORK,
  rbd: NETWORK,
  gfapi: NETWORK,
  gfapi_async: NETWORK,
  http: NETWORK,
  nfs: NETWORK,
  io_uring_cmd: PASSTHROUGH,
  sg: PASSTHROUGH,
  xnvme: PASSTHROUGH,
  vsync: 'readv()/writev() are not emulated; use ioengine=sync (one buffer per I/O, same path)',
  pvsync: 'preadv()/pwritev() are not emulated; use ioengine=psync or pvsync2',
  posixaio: `POSIX aio (glibc's thread pool) is not emulated; use ioengine=libaio or io_uring`,
  mmap: `mmap I/O goes through the page cache, which dio does not emulate; ${USE_ENGINE}`,
  splice: `splice goes through the page cache, which dio does not emulate; ${USE_ENGINE}`,
  null: `the null engine does no I/O; dio emulates a null_blk device under the real path instead: ${USE_ENGINE}`,
  cpuio: 'cpuio burns CPU and does no I/O; dio does not emulate it: remove the job',
  libzbc: `zoned block devices are not emulated; ${USE_ENGINE}`,
};

/** fio options dio does not emulate, with a specific reason (the rest get a generic one). */
const OPTION_REFUSALS: Readonly<Record<string, string>> = {
  zonemode: 'zoned block devices are not emulated: remove zonemode (or set zonemode=none)',
  max_open_zones: 'zoned block devices are not emulated: remove it',
  job_max_open_zones: 'zoned block devices are not emulated: remove it',
  zonecapacity: 'zoned block devices are not emulated: remove it',
  zone_reset_threshold: 'zoned block devices are not emulated: remove it',
  zone_reset_frequency: 'zoned block devices are not emulated: remove it',
  read_beyond_wp: 'zoned block devices are not emulated: remove it',
  ignore_zone_limits: 'zoned block devices are not emulated: remove it',
  read_iolog: 'replaying I/O logs is not implemented: describe the workload with rw=, bs= and size=',
  exec_prerun: 'dio runs no external commands: remove it',
  exec_postrun: 'dio runs no external commands: remove it',
  cgroup: 'cgroups are not emulated: remove it',
  ioscheduler: 'dio models a device without an I/O scheduler (none): remove it',
};

/** Refusals of option values dio does not emulate (option → value → reason). */
const VALUE_REFUSALS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  zonemode: { zbd: OPTION_REFUSALS.zonemode ?? '' },
  rw: {
    trim: 'trim (discard) is not emulated: use rw=write, randwrite, read, randread, rw or randrw',
    randtrim: 'trim (discard) is not emulated: use rw=randwrite or randread',
    trimwrite: 'trim (discard) is not emulated: use rw=write',
    randtrimwrite: 'trim (discard) is not emulated: use rw=randwrite',
  },
};

const GENERAL = new Set(FIO_GENERAL_OPTIONS);

function has<T>(r: Readonly<Record<string, T>>, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(r, k);
}

/** The fio engines whose own options include `name`. */
function enginesWithOption(name: string): string[] {
  return Object.entries(FIO_ENGINE_OPTIONS)
    .filter(([, opts]) => opts.includes(name))
    .map(([e]) => e);
}

/**
 * The reason an option dio has no definition for is refused: fio's "Bad
 * option" when fio does not know it either, else why dio does not emulate it.
 */
export function unknownOptionReason(name: string, value: string | undefined): string {
  const shown = value === undefined ? name : `${name}=${value}`;
  if (has(OPTION_REFUSALS, name)) return `${shown}: ${OPTION_REFUSALS[name]}`;
  if (GENERAL.has(name)) return `${shown}: fio's option '${name}' is not implemented by dio: remove it`;
  const engines = enginesWithOption(name);
  if (engines.length > 0) return `${shown}: option '${name}' (of ioengine=${engines.join(', ')}) is not implemented by dio: remove it`;
  return `bad option <${shown}>: fio has no option '${name}'`;
}

/** The refusal of `name=value`, when dio does not emulate that value (an engine, a trim mode…). */
export function valueRefusal(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (name === 'ioengine') {
    if (EMULATED_ENGINES.includes(v)) return undefined;
    if (has(ENGINE_REFUSALS, v)) return `ioengine=${v}: ${ENGINE_REFUSALS[v]}`;
    if (has(FIO_ENGINE_OPTIONS, v)) return `ioengine=${v} is not emulated; ${USE_ENGINE}`;
    return undefined;
  }
  const byValue = has(VALUE_REFUSALS, name) ? VALUE_REFUSALS[name] : undefined;
  const base = v.split(':')[0] ?? v;
  return byValue !== undefined && has(byValue, base) ? `${name}=${v}: ${byValue[base]}` : undefined;
}

/**
 * The refusal of a job that would do buffered I/O: `written` is the option
 * that asks for it (`direct=0`, `buffered=1`), undefined when it is fio's default.
 */
export function bufferedRefusal(written: string | undefined, jobName: string): string {
  const what = written ?? `direct=0 (fio's default; job '${jobName}' does not set direct)`;
  return `${what}: buffered I/O is not emulated (dio models the O_DIRECT path): ${written === undefined ? 'add' : 'set'} direct=1`;
}
