/**
 * @dio/cli — the `dio` command: `compare`, `run`, `trace`.
 * @module
 */
export { main } from './main';
export { compare, compareCell, formatTable, seriesJobArgs, type CompareCell, type CompareOptions } from './compare';
export { loadProfile, profilesForPolicies } from './profile-arg';
export { UsageError, userMessage } from './errors';
