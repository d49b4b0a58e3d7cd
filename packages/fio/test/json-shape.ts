/**
 * The shape of JSON as fio prints it, for comparing dio's output with real
 * fio's: key order at every level and each value's C type.
 */

/** A JSON value's shape: its kind, and for objects the keys in order. */
export type Shape = { kind: 'int' | 'float' | 'string' } | { kind: 'object'; keys: [string, Shape][] } | { kind: 'array'; items: Shape[] };

/** The shape of fio-printed JSON: key order at every level and each value's C type (int vs %f float vs string). */
export function shapeOf(text: string): Shape {
  let i = 0;
  const ws = (): void => {
    while (/\s/.test(text[i] ?? '')) i++;
  };
  const str = (): string => {
    const m = /^"((?:[^"\\]|\\.)*)"/.exec(text.slice(i));
    if (m === null) throw new Error(`string expected at ${i}`);
    i += m[0].length;
    return m[1] ?? '';
  };
  const value = (): Shape => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const keys: [string, Shape][] = [];
      ws();
      if (text[i] === '}') return i++, { kind: 'object', keys };
      for (;;) {
        ws();
        const k = str();
        ws();
        i++; // ':'
        keys.push([k, value()]);
        ws();
        if (text[i++] === '}') return { kind: 'object', keys };
      }
    }
    if (c === '[') {
      i++;
      const items: Shape[] = [];
      ws();
      if (text[i] === ']') return i++, { kind: 'array', items };
      for (;;) {
        items.push(value());
        ws();
        if (text[i++] === ']') return { kind: 'array', items };
      }
    }
    if (c === '"') return str(), { kind: 'string' };
    const m = /^-?\d+(\.\d+)?/.exec(text.slice(i));
    if (m === null) throw new Error(`value expected at ${i}`);
    i += m[0].length;
    return { kind: m[1] === undefined ? 'int' : 'float' };
  };
  return value();
}
