import { main } from '../src/index';

/** Run the dio CLI in this process; its exit code and what it printed. */
export async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => (out += `${s}\n`), err: (s) => (err += `${s}\n`), isTTY: false });
  return { code, out, err };
}
