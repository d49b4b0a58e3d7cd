/**
 * Echoing what a user typed: a message is one line, control characters and
 * lone surrogates escaped as JSON.stringify would, and any run of text
 * longer than {@link MAX_ECHO} characters (a 200 KB option name, a file of
 * garbage) shortened around an ellipsis.
 * @module
 */

/** The longest run of non-space characters echoed in full. */
export const MAX_ECHO = 80;
/** The longest message. */
const MAX_LINE = 1000;

const shorten = (s: string, max: number): string => (s.length <= max ? s : `${s.slice(0, max - 21)}…${s.slice(-20)}`);

/** Control characters (C0, DEL, C1), line and paragraph separators, and lone surrogates. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Escape unsafe characters the way JSON.stringify writes them (`\n`, `\u0000`). */
export function escapeUnsafe(s: string): string {
  return s.replace(UNSAFE, (c) => JSON.stringify(c).slice(1, -1).replace(/^[^\\]/, (x) => `\\u${x.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

const LONG_RUN = new RegExp(`\\S{${MAX_ECHO + 1},}`, 'g');

/** A message as one safe line: escaped (a newline shows as `\n`), long runs shortened, the whole capped. */
export function oneLine(msg: string): string {
  return shorten(escapeUnsafe(msg).replace(LONG_RUN, (run) => shorten(run, MAX_ECHO)), MAX_LINE);
}
