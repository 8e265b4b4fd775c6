/**
 * The counters instrumented modules bump, shared by every module of one fuzzing process: each module takes a slice
 * when it is evaluated, and the engine reads (and clears) the part handed out after every input.
 */
export interface CoverageMap {
  readonly array: Uint16Array;
  /** How many counters have been handed out so far. */
  used(): number;
  counters(count: number): Uint16Array;
}

declare global {
  var __dmsnetFuzz: CoverageMap | undefined;
}

/** Far above what the project's parsers need (a few thousand each), small enough to scan in microseconds. */
const CAPACITY = 1 << 20;

export function installCoverageMap(): CoverageMap {
  const array = new Uint16Array(CAPACITY);
  let used = 0;
  const map: CoverageMap = {
    array,
    used: () => used,
    counters(count) {
      if (used + count > CAPACITY) throw new Error(`the fuzzing coverage map is full (${CAPACITY} counters)`);
      const slice = array.subarray(used, used + count);
      used += count;
      return slice;
    },
  };
  globalThis.__dmsnetFuzz = map;
  return map;
}
