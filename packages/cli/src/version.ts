/**
 * The dio version (all @dio packages release together): what `--version`
 * prints, shard documents and report provenance record.
 * @module
 */
import { version } from '../package.json';

/** The version of @dio/cli, from its package.json (bundled in). */
export const DIO_VERSION: string = version;
