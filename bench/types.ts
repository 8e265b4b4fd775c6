/** One figure of `npm run bench`: ours beside a baseline measured in the same run. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  baseline: string;
  baselineValue: number;
  /** value / baselineValue, so that a reader compares like with like whatever the machine. */
  ratio: number;
  /** What the goal is, in words (e.g. "validation within 4x parse time"). */
  goal?: string;
}

export interface BenchOptions {
  /** Print progress lines (long benches say what they are doing). */
  progress: (message: string) => void;
  /** Extra command-line flags, e.g. --fabric. */
  flags: ReadonlySet<string>;
}

/** A bench module (bench/*.bench.ts) exports `benches`. */
export interface Bench {
  name: string;
  run(options: BenchOptions): Promise<BenchResult[]>;
}

export function result(
  name: string,
  value: number,
  unit: string,
  baseline: string,
  baselineValue: number,
  goal?: string,
): BenchResult {
  return {
    name,
    value,
    unit,
    baseline,
    baselineValue,
    ratio: baselineValue === 0 ? NaN : value / baselineValue,
    goal,
  };
}
