/**
 * What fio's JSON "job options" / "global options" show for a section
 * (parse.c: sort_options() then add_to_dump_list(), stat.c:
 * json_add_job_opts()): the section's options in file order — in a job
 * file stably sorted by option priority (`kb_base` and `unit_base` first,
 * `filename` last; fio parses command-line options one by one, unsorted), an
 * option given twice listed twice, a bare option (`time_based`,
 * `group_reporting`) marked `bare`: fio lists it with no value, so its JSON
 * shows the section (an empty object if that is all it has) but not the option.
 * @module
 */
import type { FioOptionEcho } from './job';

/** options.c `.prio` of the options that have one; every other option has 0. */
const OPTION_PRIO: Readonly<Record<string, number>> = { kb_base: 1, unit_base: 1, filename: -1 };

/** fio's echo of one section's options, given as written (name canonical, `undefined` value when bare), `sorted` for a job-file section. */
export function fioOptionEcho(opts: readonly { readonly name: string; readonly value: string | undefined }[], sorted: boolean): FioOptionEcho[] {
  const prio = (name: string): number => (sorted ? (OPTION_PRIO[name] ?? 0) : 0);
  return opts
    .map((o, i) => ({ o, i }))
    .sort((a, b) => prio(b.o.name) - prio(a.o.name) || a.i - b.i)
    .map(({ o }): FioOptionEcho => (o.value === undefined ? { name: o.name, value: '', bare: true } : { name: o.name, value: o.value }));
}
