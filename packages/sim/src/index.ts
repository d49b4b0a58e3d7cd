/**
 * @dio/sim — the discrete-event engine every dio package stands on.
 *
 * Virtual time in integer ns; one event queue ordered by (time, seq); CPUs
 * running hardirq > softirq > task contexts; tasks as generators yielding
 * `spend`, `sleep`, `wait` and lock requests; CFS-style scheduling with a
 * preemption model; task_work; spinlocks, mutexes, rwsems, wait queues and
 * completions with kernel context rules and deadlock detection; seeded RNG and
 * distributions; HdrHistogram latency stats; tracepoint-named tracing with
 * Perfetto and ftrace exporters; and the cost model.
 * @module
 */
export type { Ns } from './time';
export { us, ms, sec } from './time';
export { EventQueue, type EventFn, type EventHandle } from './event-queue';
export { Rng } from './rng';
export { makeSampler, distMean, DistributionError, type DistSpec, type Sampler } from './distribution';
export { SimError, ChainError, InvalidContextError, DeadlockError, LivelockError, SoftLockupError, type HungTask } from './errors';
export type { Blocker, Agent, Waitable } from './context';
export { ExecContext, type CtxKind, type KGen } from './context';
export { Task, niceToWeight, taskSchedRuntime, type TaskState, type TaskWork } from './context';
export { Cpu, type IrqWork, type CpuTimes } from './context';
export { RunQueue, defaultSchedParams, idealSlice, type SchedParams, type PreemptModel } from './sched';
export type { Request, WakeReason, WaitRequest, SleepRequest, MutexRequest, RwSemRequest, SpinRequest, SchedRequest } from './context';
export { answer, type Call, type FrameFault, isCall, noTwin, pushCall, stepCall, stepTop, Suspended, trySpend, withPlainForm } from './plain-first';
export { spend, charge, runNoSleep, sleep, condResched, shouldResched, schedYield, currentCtx, tryCurrentCtx, currentTask, mightSleep } from './requests';
export { WaitQueue, Completion, wait, waitEvent, type WaitOptions } from './waitqueue';
export { Mutex, mutexLock, mutexUnlock, mutexTrylock } from './mutex';
export { RwSem, downRead, downWrite, upRead, upWrite, downReadTrylock, downWriteTrylock } from './rwsem';
export { SpinLock, spinLock, spinUnlock } from './spinlock';
export { Simulator, currentSim, type SimOptions, type SpawnOptions, type RunResult, type TwaMode } from './simulator';
export { syscall, type SyscallHandler, exitToUserMode, taskWorkPending, taskWorkRun } from './syscall';
export { returned } from './returned';
export { runTaskWork } from './task-work';
export { detectDeadlock } from './deadlock';
export { type CostModel, defaultCosts, withCosts } from './costs';
export { StageAccounting, STAGES, COST_NAMES, CONTEXT_CLASSES, WORKQUEUE_HOP_STAGES, type CostName, type ContextClass, type StageName } from './stages';
export { CpuWindows, UTIL_CLASSES, type UtilClass } from './cpu-windows';
export { Tracer, TRACE_MAX_PENDING, type NestedSlice, type TraceRecord, type TraceArgs, type TraceSink } from './trace';
export { toChromeTrace, toFtraceText, ChromeTraceConverter, ChromeJsonTraceWriter, type ChromeEvent, type ChromeTraceOptions } from './trace-export';
export { PerfettoProtoTraceWriter, PERFETTO_FIELDS, TYPE_SLICE_BEGIN, TYPE_SLICE_END, TYPE_INSTANT } from './trace-proto';
export { traceWindow } from './trace-window';
export { clearArray } from './array';
export { LatencyHistogram, RunningMoments, FIO_PERCENTILES, fioPercentileKey, type LatencySummary } from './stats';
