/** Bundle `entry` (a .ts path) from source to `outfile` (.mjs) with esbuild, resolving @dio/* through the "@dio/source" condition. */
export declare function bundleFromSource(entry: string, outfile: string): Promise<void>;
