/**
 * What a task in a timed sleep (`sleep(ns)`) waits on.
 * @module
 */
import type { Blocker, Waitable } from './context';

/** What a task in a timed sleep waits on (its `name` is built only when asked, e.g. for a hung-task report). */
export class SleepTimer implements Waitable {
  readonly timerSleep = true;
  constructor(private readonly ns: number) {}
  get name(): string {
    return `sleep(${this.ns})`;
  }
  blockers(): Blocker[] {
    return [{ agent: 'timer' }];
  }
}
