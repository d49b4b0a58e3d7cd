/**
 * Distributions a storage model needs, as plain data (so profiles can be JSON)
 * and as samplers that draw integer nanoseconds from an {@link Rng}.
 * @module
 */
import type { Rng } from './rng';

/** A distribution, as it appears in a profile. All values are in ns. */
export type DistSpec =
  | { readonly kind: 'fixed'; readonly value: number }
  | { readonly kind: 'uniform'; readonly min: number; readonly max: number }
  | { readonly kind: 'exponential'; readonly mean: number; readonly min?: number }
  | { readonly kind: 'normal'; readonly mean: number; readonly stddev: number; readonly min?: number }
  /** Lognormal given by the mean and standard deviation of the distribution itself (not of its log). */
  | { readonly kind: 'lognormal'; readonly mean: number; readonly stddev: number; readonly min?: number }
  /** Draws one of the samples' quantiles uniformly, interpolating between order statistics. */
  | { readonly kind: 'empirical'; readonly samples: readonly number[] };

/** A sampler: draws one value (integer ns, never negative). */
export type Sampler = (rng: Rng) => number;

/** Thrown for a distribution whose parameters make no sense. */
export class DistributionError extends Error {
  override readonly name = 'DistributionError';
}

function check(ok: boolean, msg: string): void {
  if (!ok) throw new DistributionError(msg);
}

/** The mean of a distribution (exact where it has a closed form, ignoring `min` clamping). */
export function distMean(spec: DistSpec): number {
  switch (spec.kind) {
    case 'fixed':
      return spec.value;
    case 'uniform':
      return (spec.min + spec.max) / 2;
    case 'exponential':
    case 'normal':
    case 'lognormal':
      return spec.mean;
    case 'empirical': {
      // The sampler interpolates uniformly between adjacent order statistics, so its
      // mean is the trapezoid rule over the sorted samples (not the sample mean).
      const s = [...spec.samples].sort((a, b) => a - b);
      const n = s.length;
      if (n === 1) return s[0] as number;
      let sum = 0;
      for (let i = 0; i + 1 < n; i++) sum += ((s[i] as number) + (s[i + 1] as number)) / 2;
      return sum / (n - 1);
    }
  }
}

/** Build a sampler from a spec, validating it. */
export function makeSampler(spec: DistSpec): Sampler {
  const clampMin = (x: number, min = 0): number => Math.max(min, Math.round(x));
  switch (spec.kind) {
    case 'fixed': {
      check(Number.isFinite(spec.value) && spec.value >= 0, `fixed: value must be >= 0, got ${spec.value}`);
      const v = Math.round(spec.value);
      return () => v;
    }
    case 'uniform': {
      check(spec.min >= 0 && spec.max >= spec.min, `uniform: need 0 <= min <= max, got ${spec.min}..${spec.max}`);
      const { min, max } = spec;
      return (rng) => Math.round(min + rng.float() * (max - min));
    }
    case 'exponential': {
      check(spec.mean > 0, `exponential: mean must be > 0, got ${spec.mean}`);
      const { mean, min } = spec;
      return (rng) => clampMin(rng.exponential(mean), min);
    }
    case 'normal': {
      check(spec.stddev >= 0, `normal: stddev must be >= 0, got ${spec.stddev}`);
      const { mean, stddev, min } = spec;
      return (rng) => clampMin(rng.normal(mean, stddev), min);
    }
    case 'lognormal': {
      check(spec.mean > 0 && spec.stddev >= 0, `lognormal: need mean > 0 and stddev >= 0`);
      const sigma2 = Math.log(1 + (spec.stddev * spec.stddev) / (spec.mean * spec.mean));
      const mu = Math.log(spec.mean) - sigma2 / 2;
      const sigma = Math.sqrt(sigma2);
      const { min } = spec;
      return (rng) => clampMin(Math.exp(rng.normal(mu, sigma)), min);
    }
    case 'empirical': {
      check(spec.samples.length > 0, 'empirical: needs at least one sample');
      check(spec.samples.every((x) => Number.isFinite(x) && x >= 0), 'empirical: samples must be finite and >= 0');
      const sorted = [...spec.samples].sort((a, b) => a - b);
      const n = sorted.length;
      if (n === 1) {
        const v = Math.round(sorted[0] as number);
        return () => v;
      }
      return (rng) => {
        const pos = rng.float() * (n - 1);
        const i = Math.floor(pos);
        const lo = sorted[i] as number;
        const hi = sorted[i + 1] as number;
        return Math.round(lo + (hi - lo) * (pos - i));
      };
    }
  }
}
