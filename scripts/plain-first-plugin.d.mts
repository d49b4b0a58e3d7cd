import type { Plugin } from 'esbuild';
/** Whether builds make the plain-first twins (false with DIO_PLAIN_FIRST=0). */
export declare const PLAIN_FIRST: boolean;
/** The esbuild plugin that gives the workspace's kernel functions their plain-first twins (scripts/plain-first.mjs). */
export declare function plainFirstPlugin(): Plugin;
