import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@dio/source', 'import', 'module', 'node', 'default'] },
  ssr: { resolve: { conditions: ['@dio/source', 'import', 'module', 'node', 'default'] } },
  test: { include: ['src/**/*.test.ts', 'test/**/*.test.ts'], testTimeout: 120_000 },
});
