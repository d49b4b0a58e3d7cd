import { defineConfig } from 'vitest/config';

const conditions = ['@dio/source', 'import', 'module', 'node', 'default'];

/** Tests of every package and example: sibling packages resolve to their src through the @dio/source condition. */
export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: { include: ['src/**/*.test.ts', 'test/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000 },
});
