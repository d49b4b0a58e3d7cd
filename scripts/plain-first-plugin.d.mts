import type { Plugin } from 'esbuild';
/** What a cached bundle's key must hold of the step's settings (DIO_PLAIN_FIRST, DIO_PLAIN_FIRST_ONLY). */
export declare const PLAIN_FIRST_KEY: string;
/** The esbuild plugin that gives the workspace's kernel functions their plain-first twins (scripts/plain-first.mjs). */
export declare function plainFirstPlugin(): Plugin;
