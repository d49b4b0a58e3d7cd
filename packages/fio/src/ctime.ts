/**
 * C's ctime() layout, which fio uses for "time" in JSON and the job header
 * in normal output: `Tue Nov 24 05:33:48 2026`.
 * @module
 */

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

const two = (n: number): string => n.toString().padStart(2, '0');

/**
 * `%.3s %.3s%3d %.2d:%.2d:%.2d %d` for `ms` since the epoch, without the
 * newline. `utcOffsetMinutes` shifts to a local zone (default UTC).
 */
export function ctime(ms: number, utcOffsetMinutes = 0): string {
  const d = new Date(Math.floor(ms / 1000) * 1000 + utcOffsetMinutes * 60_000);
  return `${DAYS[d.getUTCDay()] ?? ''} ${MONTHS[d.getUTCMonth()] ?? ''}${d.getUTCDate().toString().padStart(3, ' ')} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}
