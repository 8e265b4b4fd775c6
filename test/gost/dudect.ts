// A dudect-style timing check (Reparaz, Balasch, Verbauwhede, "Dude, is my code constant time?", 2017): run one
// operation on inputs of two classes in a random order, crop the slowest samples (other processes, GC) and compare
// the two classes' mean times with Welch's t. |t| above ~4.5 means the time depends on the class: interleaving
// spreads the machine's noise over both classes alike, so only a dependence on the input itself moves t that far.
import { randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';

export interface TimingVerdict {
  /** Welch's t of class 0 against class 1 over the cropped samples. */
  t: number;
  /** Mean microseconds per class after cropping. */
  meanUs: [number, number];
  /** Samples per class after cropping. */
  n: [number, number];
}

/** Welch's t of two samples (positive when the first is slower). */
export function welchT(a: number[], b: number[]): number {
  const stats = (xs: number[]) => {
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1);
    return { mean, variance, n: xs.length };
  };
  const x = stats(a);
  const y = stats(b);
  return (x.mean - y.mean) / Math.sqrt(x.variance / x.n + y.variance / y.n);
}

/**
 * Times `run` on `samples` inputs, each drawn from `classes[0]` or `classes[1]` by a fair coin, after a warm-up. A
 * sample is the fastest of `repeat` runs on its input, and each class keeps its fastest `cropAt` share before the
 * t-test: on a machine shared with other builds the slow runs are mostly other processes. Cropping each class at its
 * own quantile (not at a pooled one, as dudect does) keeps a class that is much slower from being cropped away.
 */
export function timingDifference<T>(
  run: (input: T) => unknown,
  classes: [() => T, () => T],
  samples: number,
  cropAt = 0.5,
  repeat = 3,
): TimingVerdict {
  const labels = Array.from({ length: samples }, () => randomInt(2));
  const inputs = labels.map((c) => classes[c]());
  for (let i = 0; i < Math.min(50, samples); i++) run(inputs[i]);
  const times = new Array<number>(samples);
  for (let i = 0; i < samples; i++) {
    let best = Infinity;
    for (let r = 0; r < repeat; r++) {
      const start = performance.now();
      run(inputs[i]);
      best = Math.min(best, performance.now() - start);
    }
    times[i] = best;
  }
  const byClass: [number[], number[]] = [[], []];
  times.forEach((t, i) => byClass[labels[i]].push(t * 1000));
  const cropped = byClass.map((xs) => xs.sort((x, y) => x - y).slice(0, Math.ceil(cropAt * xs.length))) as [
    number[],
    number[],
  ];
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  return {
    t: welchT(cropped[0], cropped[1]),
    meanUs: [mean(cropped[0]), mean(cropped[1])],
    n: [cropped[0].length, cropped[1].length],
  };
}
