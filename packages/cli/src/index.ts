/**
 * @dio/cli — the `dio` command: `compare`, `sweep`, `run`, `trace`, `calibrate`, `fuzz`, `merge`.
 * @module
 */
export { main, type Io } from './main';
export { compare, compareCell, compareTasks, formatTable, seriesJobArgs, type ClatSummary, type CompareCell, type CompareOptions, type CompareTask } from './compare';
export { formatSweepTable, sweepCell, sweepJson, sweepTasks, type SweepCell, type SweepTask } from './sweep';
export { applyPoint, parsePoint, parseSetArgs, setProduct, type SetAxis, type SetPoint } from './sweep-set';
export { loadProfile, profilesForPolicies } from './profile-arg';
export { UsageError, userMessage } from './errors';
export { parseShard, shardIndices, type Shard } from './shard';
export { mergeShards, renderMerged, type Merged, type ShardInput } from './merge';
