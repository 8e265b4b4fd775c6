import { DmsnetError } from '@dmsnet/formats/errors';

/**
 * A fuzz target: one parser entry point and its invariant. run() returns (or resolves) for a result or an error the
 * invariant allows, and throws InvariantBroken for anything else, so the engine and the corpus regression test need
 * to know nothing about the parser.
 */
export interface FuzzTarget {
  name: string;
  run(data: Uint8Array): void | Promise<void>;
  /** Inputs are kept at most this long: big enough for the seeds, small enough to run thousands a second. */
  maxLength: number;
  /** Tokens the mutator splices in: the words a parser compares against, which random bytes rarely spell. */
  dictionary?: readonly string[];
  /** One input taking longer than this is a finding (unbounded time). */
  timeoutMs?: number;
}

/** The invariant of a target does not hold for an input: the one error a target may throw. */
export class InvariantBroken extends Error {
  constructor(
    message: string,
    readonly original?: unknown,
  ) {
    super(original instanceof Error ? `${message}: ${original.name}: ${original.message}` : message);
    this.name = 'InvariantBroken';
    if (original instanceof Error && original.stack)
      this.stack = `${this.stack}\ncaused by ${original.stack}`;
  }
}

/** The invariant most parsers share: a DmsnetError (of any typed subclass) with a code, or nothing thrown. */
export function allowTyped(e: unknown, ...also: Array<abstract new (...args: never[]) => Error>): void {
  if (e instanceof DmsnetError && typeof e.code === 'string' && e.code !== '') return;
  if (also.some((type) => e instanceof type)) return;
  throw new InvariantBroken('an untyped error escaped', e);
}

export function check(condition: boolean, message: string): void {
  if (!condition) throw new InvariantBroken(message);
}
