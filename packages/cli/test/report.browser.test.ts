/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The reports in a real browser: Debian's chromium driven by playwright-core
 * (nothing downloaded). Each kind of report is opened from disk; the test
 * checks there are no console errors and no network requests, and counts the
 * series and points of every chart in the SVG the page rendered. Screenshots
 * go to a temporary directory, or to docs/guides/img/ with
 * DIO_UPDATE_SCREENSHOTS=1 (`pnpm --filter @dio/cli screenshots`).
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/index';

const CHROMIUM = '/usr/bin/chromium';
const present = existsSync(CHROMIUM);
if (!present) console.warn(`SKIPPED: report browser tests need ${CHROMIUM} (apt-get install chromium; .ci/run installs it)`);

const dir = mkdtempSync(join(tmpdir(), 'dio-report-'));
const shots = process.env.DIO_UPDATE_SCREENSHOTS === '1' ? join(__dirname, '..', '..', '..', 'docs', 'guides', 'img') : join(dir, 'img');
mkdirSync(shots, { recursive: true });

async function cli(...argv: string[]): Promise<string> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => (out += `${s}\n`), err: (s) => (err += `${s}\n`), isTTY: false });
  if (code !== 0) throw new Error(`dio ${argv.join(' ')} failed: ${err}`);
  return out;
}

const jobFile = join(dir, 'qd8.fio');
writeFileSync(jobFile, '[global]\nfilename=/data1/file\nsize=1g\ndirect=1\nioengine=io_uring\nrw=randwrite\nbs=4k\ntime_based=1\nruntime=10ms\ncpus_allowed=4\n\n[qd8]\niodepth=8\n');

/** Opens a report from disk; returns the page and what went wrong (console errors, requests other than the file itself). */
async function open(browser: BrowserContext, file: string): Promise<{ page: Page; errors: string[]; requests: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  const url = pathToFileURL(file).href;
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => {
    if (r.url() !== url) requests.push(r.url());
  });
  await page.goto(url);
  await page.waitForFunction(() => document.body.dataset.rendered === 'yes', undefined, { timeout: 20_000 });
  return { page, errors, requests };
}

/** Counts in a chart's rendered SVG: groups of a named mark (one per series for lines) and their items. */
async function marks(page: Page, chart: string, name: string): Promise<{ groups: number; items: number; ys: number }> {
  return page.evaluate(
    ([c, n]) => {
      const groups = [...document.querySelectorAll(`#chart-${c} svg g.${n}_marks`)];
      const items = groups.flatMap((g) => [...g.querySelectorAll(':scope > path, :scope > text')]);
      // bars: distinct y of each item's path start ("M x,y" or a translate)
      const ys = new Set(items.map((i) => /^M[\d.-]+,([\d.-]+)/.exec(i.getAttribute('d') ?? '')?.[1] ?? i.getAttribute('transform')));
      return { groups: groups.length, items: items.length, ys: ys.size };
    },
    [chart, name] as const,
  );
}

// in CI a missing browser is a failure, not a skip
it.runIf(!present && process.env.CI !== undefined)('has chromium in CI (.ci/run installs it)', () => {
  expect(existsSync(CHROMIUM)).toBe(true);
});

describe.skipIf(!present)('dio report in chromium', () => {
  let browser: BrowserContext;
  const compareHtml = join(dir, 'compare.html');
  const savedHtml = join(dir, 'saved.html');
  const sweepHtml = join(dir, 'sweep.html');
  const runHtml = join(dir, 'run.html');

  beforeAll(async () => {
    const json = await cli('compare', '--qd', '1,4,16', '--ramp-time', '2ms', '--runtime', '10ms', '--quiet', '--jobs', '1', '--format', 'json', '--report', compareHtml);
    writeFileSync(join(dir, 'compare.json'), json);
    await cli('report', join(dir, 'compare.json'), '-o', savedHtml);
    await cli('sweep', jobFile, '--set', 'iodepth=1,4', '--profiles', 'linux-6.5,linux-6.6-rc1,linux-6.19', '--quiet', '--jobs', '1', '--report', sweepHtml);
    await cli('run', jobFile, '--quiet', '--report', runHtml);
    // a fresh profile directory (--user-data-dir) per run
    browser = await chromium.launchPersistentContext(mkdtempSync(join(dir, 'chromium-')), {
      executablePath: CHROMIUM,
      viewport: { width: 1100, height: 900 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  for (const [what, file] of [
    ['compare --report', () => compareHtml],
    ['dio report from saved compare JSON', () => savedHtml],
  ] as const) {
    it(`${what}: every chart drawn, 2 kernels x 3 depths, no errors, no network`, async () => {
      const { page, errors, requests } = await open(browser, file());
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      expect(await marks(page, 'iops', 'iops_lines')).toMatchObject({ groups: 2 });
      expect((await marks(page, 'iops', 'iops_points')).items).toBe(6);
      expect((await marks(page, 'iops', 'published')).items).toBe(4); // Axboe's QD1 and QD16, both kernels
      expect((await marks(page, 'iops', 'gain')).items).toBe(3); // the patched kernel's gain at each depth
      expect(await marks(page, 'clat', 'clat_lines')).toMatchObject({ groups: 2 });
      const p99 = await page.locator('#chart-clat g.clat_points_marks').innerHTML();
      expect((await marks(page, 'clat', 'clat_points')).items).toBe(6);
      await page.locator('#chart-clat input[value="p50"]').check();
      await expect.poll(() => page.locator('#chart-clat g.clat_points_marks').innerHTML()).not.toBe(p99);
      expect((await marks(page, 'clat', 'clat_points')).items).toBe(6);
      expect((await marks(page, 'stages', 'stages')).ys).toBe(6); // one stacked bar per kernel and depth
      expect((await marks(page, 'completions', 'completions')).ys).toBe(6);
      expect(await marks(page, 'hist', 'hist')).toMatchObject({ groups: 2 });
      await page.locator('#chart-hist select').selectOption('1');
      expect(await marks(page, 'hist', 'hist')).toMatchObject({ groups: 2 });
      if (file() === compareHtml) {
        await page.screenshot({ path: join(shots, 'report-compare.png'), fullPage: true });
        await page.locator('#stages').screenshot({ path: join(shots, 'report-stages.png') });
      }
      await page.close();
    });
  }

  it('sweep --report: 3 kernels x 2 depths', async () => {
    const { page, errors, requests } = await open(browser, sweepHtml);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    expect(await marks(page, 'iops', 'iops_lines')).toMatchObject({ groups: 3 });
    expect((await marks(page, 'iops', 'iops_points')).items).toBe(6);
    expect((await marks(page, 'iops', 'gain')).items).toBe(4);
    expect((await marks(page, 'stages', 'stages')).ys).toBe(6);
    expect((await marks(page, 'completions', 'completions')).ys).toBe(6);
    expect(await marks(page, 'hist', 'hist')).toMatchObject({ groups: 3 });
    await page.locator('#iops').screenshot({ path: join(shots, 'report-sweep-iops.png') });
    await page.close();
  });

  it('run --report: histogram, CPU use over time, iodepth distribution', async () => {
    const { page, errors, requests } = await open(browser, runHtml);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    expect(await marks(page, 'hist', 'hist')).toMatchObject({ groups: 1 }); // one job, one direction
    // fio pinned to CPU 4 on linux-6.6: one busy CPU, its time in user, sys, kworker and hardirq
    const util = await marks(page, 'cpu', 'util');
    expect(util.groups).toBe(4);
    expect((await marks(page, 'depth', 'depth')).items).toBe(7); // fio's depth levels 1, 2, 4, 8, 16, 32, >=64
    await page.screenshot({ path: join(shots, 'report-run.png'), fullPage: true });
    await page.close();
  });
});
