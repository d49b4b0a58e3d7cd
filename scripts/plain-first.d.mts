/**
 * `text` (a TypeScript module) with the plain-first twins of its kernel
 * functions, or null when there is nothing to transform; `simModule` is
 * where the runtime (`Suspended`, `stepCall`, `withPlainForm`) is imported from.
 */
export declare function transformPlainFirst(text: string, fileName: string, simModule: string): string | null;
