/**
 * A seeded pseudo-random generator, so that synthetic data and property-test fixtures are reproducible:
 * the same seed gives the same documents on every machine. Not for anything secret.
 */

/** Returns a float in [0, 1). */
export type Rng = () => number;

/**
 * mulberry32: a 32-bit state generator, small and fast, with good enough statistical quality for test data.
 * The seed is folded to 32 bits.
 */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [min, max], both inclusive. */
export function randomInt(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)];
}

/** `count` random decimal digits. */
export function randomDigits(rng: Rng, count: number): number[] {
  const digits: number[] = [];
  for (let i = 0; i < count; i++) digits.push(Math.floor(rng() * 10));
  return digits;
}
