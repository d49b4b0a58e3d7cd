import { describe, expect, it } from 'vitest';
import { cFixed, cFloat } from './cfmt';
import { num2str } from './num2str';

describe('cFixed (glibc %f)', () => {
  it('rounds exact ties to even, like glibc', () => {
    expect(cFixed(0.25, 1)).toBe('0.2');
    expect(cFixed(0.75, 1)).toBe('0.8');
    expect(cFixed(0.125, 2)).toBe('0.12');
    expect(cFixed(0.375, 2)).toBe('0.38');
    expect(cFixed(2.5, 0)).toBe('2');
    expect(cFixed(3.5, 0)).toBe('4');
  });
  it('rounds non-ties by exact value', () => {
    expect(cFixed(0.35, 1)).toBe('0.3'); // 0.34999999999999997...
    expect(cFixed(44635.0456192976)).toBe('44635.045619');
    expect(cFixed(0)).toBe('0.000000');
    expect(cFixed(-1.5, 0)).toBe('-2');
    expect(cFixed(1e22, 1)).toBe('10000000000000000000000.0');
  });
  it('pads like %5.02f', () => {
    expect(cFloat(1.5, 5, 2)).toBe(' 1.50');
    expect(cFloat(12345.678, 5, 2)).toBe('12345.68');
  });
});

describe('num2str (lib/num2str.c)', () => {
  it.each([
    [44635, 4, false, 'none', '44.6k'],
    [182825146, 4, true, 'bytepersec', '174MiB/s'],
    [182825146, 4, false, 'bytepersec', '183MB/s'],
    [1462784000, 4, true, 'byte', '1395MiB'],
    [1462784000, 4, false, 'byte', '1463MB'],
    [9480239, 6, false, 'none', '9480.2k'],
    [999, 4, false, 'none', '999'],
    [4096, 4, true, 'byte', '4096B'],
    [65536, 4, true, 'byte', '64.0KiB'],
    [0, 4, true, 'byte', '0B'],
    [1000, 4, false, 'bit', '8000bit'],
  ] as const)('num2str(%d, %d, pow2=%s, %s) = %s', (n, maxlen, pow2, unit, want) => {
    expect(num2str(n, maxlen, 1, pow2, unit)).toBe(want);
  });
});
