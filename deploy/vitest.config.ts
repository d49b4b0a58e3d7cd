import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../vitest.shared';

// @actions/workflow-parser imports its schema JSON without an import attribute, which Node's own loader refuses: let vite load it
// (its dist ships source maps without their sources: vite's warning about each is noise)
export default mergeConfig(shared, defineConfig({ logLevel: 'error', test: { server: { deps: { inline: ['@actions/workflow-parser'] } } } }));
