/**
 * fio's substitutions in option values (init.c: fio_option_dup_subs(),
 * fio_keyword_replace(), bc_calc()): `${VAR}` from the environment (empty
 * when unset) and the keywords `$pagesize`, `$ncpus`, `$mb_memory`, after
 * which a value with + - * / is computed as fio has bc compute it (integer
 * arithmetic, with bc's % and ^ too). fio's own `(…)` expressions (its
 * CONFIG_ARITHMETIC parser) are not built into Debian's fio 3.33, which
 * refuses `size=(1024*4)`; dio refuses it too.
 * @module
 */

/** The values fio's keywords stand for, on the machine the job runs on. */
export interface JobKeywords {
  /** `$pagesize` (the simulated machine's page size). */
  readonly pagesize: number;
  /** `$ncpus` (the simulated machine's CPUs), when known. */
  readonly ncpus?: number;
  /** `$mb_memory`: the simulated machine's memory in MiB (the profile's `memoryMb`), when known. */
  readonly mbMemory?: number;
}

/** What a job file's values are expanded with. */
export interface ExpandContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly keywords: JobKeywords;
}

/** The default: the process environment, a 4 KiB page. */
export function defaultExpandContext(): ExpandContext {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
  return { env, keywords: { pagesize: 4096 } };
}

// bc's integer arithmetic (scale=0): + - * / % ^ with bc's precedence
// (unary minus, then right-associative ^, then * / %, then + -) and parentheses
function calc(expr: string): number | undefined {
  const toks = expr.match(/\d+|[-+*/%^()]|\S/g) ?? [];
  let i = 0;
  const peek = (): string | undefined => toks[i];
  const primary = (): number | undefined => {
    const t = toks[i++];
    if (t === undefined) return undefined;
    if (t === '(') {
      const v = sum();
      return toks[i++] === ')' ? v : undefined;
    }
    if (t === '-') {
      const v = primary();
      return v === undefined ? undefined : -v;
    }
    return /^\d+$/.test(t) ? Number(t) : undefined;
  };
  const power = (): number | undefined => {
    const b = primary();
    if (b === undefined || peek() !== '^') return b;
    i++;
    const e = power();
    if (e === undefined) return undefined;
    // bc: a negative exponent is 1/b^-e, truncated at scale 0
    return e >= 0 ? b ** e : Math.trunc(1 / b ** -e);
  };
  const product = (): number | undefined => {
    let v = power();
    while (v !== undefined && (peek() === '*' || peek() === '/' || peek() === '%')) {
      const op = toks[i++];
      const r = power();
      if (r === undefined || (op !== '*' && r === 0)) return undefined;
      v = op === '*' ? v * r : op === '/' ? Math.trunc(v / r) : v % r;
    }
    return v;
  };
  const sum = (): number | undefined => {
    let v = product();
    while (v !== undefined && (peek() === '+' || peek() === '-')) {
      const op = toks[i++];
      const r = product();
      if (r === undefined) return undefined;
      v = op === '+' ? v + r : v - r;
    }
    return v;
  };
  const v = sum();
  return i === toks.length && v !== undefined && Number.isSafeInteger(v) ? v : undefined;
}

/** Expands one option value; returns the new value or an error message. */
export function expandValue(value: string, ctx: ExpandContext): { ok: true; value: string } | { ok: false; error: string } {
  let out = value.replace(/\$\{([^}]*)\}/g, (_, name: string) => (name === '' ? '' : (ctx.env[name] ?? '')));
  const kw: readonly [string, number | undefined, string][] = [
    ['$pagesize', ctx.keywords.pagesize, ''],
    ['$mb_memory', ctx.keywords.mbMemory, 'the machine\'s memory size is not known here'],
    ['$ncpus', ctx.keywords.ncpus, 'the number of CPUs is not known here'],
  ];
  let replaced = false;
  for (const [word, v, why] of kw) {
    if (!out.includes(word)) continue;
    if (v === undefined) return { ok: false, error: `${word}: ${why}` };
    out = out.split(word).join(String(v));
    replaced = true;
  }
  if (replaced && /[-+*/]/.test(out)) {
    const v = calc(out);
    if (v === undefined) return { ok: false, error: `'${out}' is not an expression fio can compute` };
    out = String(v);
  }
  return { ok: true, value: out };
}
