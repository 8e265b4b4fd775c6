// A dudect-style timing check (Reparaz, Balasch, Verbauwhede, "Dude, is my code constant time?", 2017): run one
// operation on inputs of two classes in a random order, drop the noisiest measurements (other processes, GC) and
// compare the two classes' times with a t-test. |t| above ~4.5 means the time depends on the class: interleaving
// spreads the machine's noise over both classes alike, so only a dependence on the input itself moves t that far.
import { randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';

export interface TimingVerdict {
  /** Paired t of class 0 against class 1 over the pairs kept (positive when class 0 is slower). */
  t: number;
  /** Mean microseconds per class over the pairs kept. */
  meanUs: [number, number];
  /** Pairs kept. */
  n: number;
}

/**
 * Times `run` on `pairs` pairs of inputs, one of each class, after a warm-up. Within a pair the two run back to back in
 * a random order, `repeat` times, and each keeps its fastest time; the `keep` share of pairs measured in the quietest
 * moments (the smallest sums) is compared by a paired t-test on the differences. Pairing matters on a machine shared
 * with other builds: their load comes in bursts longer than one run, which made an unpaired Welch's t on independent
 * samples read 8 about one run in eight with no dependence at all; inside a pair a burst slows both classes alike.
 */
export function timingDifference<T>(
  run: (input: T) => unknown,
  classes: [() => T, () => T],
  pairs: number,
  keep = 0.5,
  repeat = 3,
): TimingVerdict {
  const inputs = Array.from({ length: pairs }, () => [classes[0](), classes[1]()]);
  for (let i = 0; i < Math.min(25, pairs); i++) inputs[i].forEach((x) => run(x));
  const measured = inputs.map((pair) => {
    const best = [Infinity, Infinity];
    for (let r = 0; r < repeat; r++) {
      const first = randomInt(2);
      for (const c of [first, 1 - first]) {
        const start = performance.now();
        run(pair[c]);
        best[c] = Math.min(best[c], performance.now() - start);
      }
    }
    return best.map((ms) => ms * 1000);
  });
  const kept = measured.sort((x, y) => x[0] + x[1] - (y[0] + y[1])).slice(0, Math.ceil(keep * pairs));
  const diffs = kept.map(([a, b]) => a - b);
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const m = mean(diffs);
  const sd = Math.sqrt(diffs.reduce((s, x) => s + (x - m) ** 2, 0) / (diffs.length - 1));
  return {
    t: m / (sd / Math.sqrt(diffs.length)),
    meanUs: [mean(kept.map((x) => x[0])), mean(kept.map((x) => x[1]))],
    n: kept.length,
  };
}
