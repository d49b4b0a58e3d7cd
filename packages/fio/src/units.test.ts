import { describe, expect, it } from 'vitest';
import { parseCpuList, parsePercentileList, parseSize, parseTimeNs } from './units';

const val = <T>(r: { ok: true; value: T } | { ok: false; error: string }): T | string => (r.ok ? r.value : `ERR ${r.error}`);

describe('parseSize (fio get_mult_bytes)', () => {
  it('uses 1024 for k/m/g/t by default', () => {
    expect(val(parseSize('4k'))).toBe(4096);
    expect(val(parseSize('4K'))).toBe(4096);
    expect(val(parseSize('1g'))).toBe(2 ** 30);
    expect(val(parseSize('1GB'))).toBe(2 ** 30);
    expect(val(parseSize('2t'))).toBe(2 * 2 ** 40);
    expect(val(parseSize('512'))).toBe(512);
    expect(val(parseSize('512b'))).toBe(512);
    expect(val(parseSize('0x1000'))).toBe(4096);
  });
  it('follows fio\'s compatibility mode: with kb_base=1024 the IEC suffixes are decimal', () => {
    expect(val(parseSize('1KiB'))).toBe(1000);
    expect(val(parseSize('1MiB'))).toBe(1e6);
    expect(val(parseSize('1k', 1000))).toBe(1000);
    expect(val(parseSize('1KiB', 1000))).toBe(1024);
    expect(val(parseSize('1GiB', 1000))).toBe(2 ** 30);
  });
  it('rejects what it cannot represent exactly', () => {
    expect(val(parseSize('1.5g'))).toMatch(/not a whole number/);
    expect(val(parseSize('50%'))).toMatch(/percentage/);
    expect(val(parseSize('-4k'))).toMatch(/negative/);
    expect(val(parseSize('4q'))).toMatch(/unknown size suffix/);
    expect(val(parseSize('99999999999999999999'))).toMatch(/too large/);
    expect(val(parseSize(''))).toMatch(/not a size/);
  });
});

describe('parseTimeNs (fio get_mult_time)', () => {
  it('defaults to seconds and knows us/ms/s/m/h/d', () => {
    expect(val(parseTimeNs('8'))).toBe(8e9);
    expect(val(parseTimeNs('250ms'))).toBe(250e6);
    expect(val(parseTimeNs('10us'))).toBe(10e3);
    expect(val(parseTimeNs('2m'))).toBe(120e9);
    expect(val(parseTimeNs('1h'))).toBe(3600e9);
    expect(val(parseTimeNs('1d'))).toBe(86400e9);
    expect(val(parseTimeNs('5', 'us'))).toBe(5000);
  });
  it('rejects unknown suffixes and junk', () => {
    expect(val(parseTimeNs('5x'))).toMatch(/unknown time suffix/);
    expect(val(parseTimeNs('-1'))).toMatch(/not a time/);
  });
});

describe('parseCpuList / parsePercentileList', () => {
  it('expands fio cpu lists', () => {
    expect(val(parseCpuList('0-3,5'))).toEqual([0, 1, 2, 3, 5]);
    expect(val(parseCpuList('5,1,1'))).toEqual([1, 5]);
    expect(val(parseCpuList('3-1'))).toMatch(/reversed/);
    expect(val(parseCpuList('a'))).toMatch(/not a CPU list/);
    expect(val(parseCpuList('99999'))).toMatch(/too large/);
  });
  it('parses colon-separated percentiles with fio\'s display precision', () => {
    expect(val(parsePercentileList('50:99:99.999'))).toEqual({ list: [50, 99, 99.999], precision: 3 });
    expect(val(parsePercentileList('50'))).toEqual({ list: [50], precision: 2 });
    expect(val(parsePercentileList('0:50'))).toMatch(/outside/);
    expect(val(parsePercentileList('101'))).toMatch(/outside/);
  });
});
