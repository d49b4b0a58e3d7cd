import { defineConfig } from 'tsup';
import { plainFirstPlugin } from './scripts/plain-first-plugin.mjs';

/** The build every @dio/* package shares: ESM + .d.ts from src/index.ts, with the plain-first twins (scripts/plain-first.mjs). */
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  esbuildPlugins: [plainFirstPlugin()],
});
