// The pure half of the growth bench (bench/growth.bench.ts): the figures of one step, the table they are printed in,
// and the straight-line fits that project them from the measured 4–12 organisations to a market of hundreds
// (docs/scale.md). No Fabric here, so a unit test checks the arithmetic and the printing.
import { thresholds } from '../network/src/council.js';

/** What one addition to the channel cost and what the channel looked like after it. */
export interface GrowthStep {
  /** Application organisations in the channel after the step. */
  orgs: number;
  /** The MSP id added in this step ('' for the founding network). */
  added: string;
  /** Admin signatures the config update carried (the submitter's included). */
  signatures: number;
  /** Computing the update from the current config block (configtxlator), ms. */
  proposeMs: number;
  /** Collecting the signatures: copies signed in parallel, merged, ms. */
  signMs: number;
  /** Submitting it until the orderers serve the new config, ms. */
  submitMs: number;
  /** The config block's size after the step, bytes. */
  configBlockBytes: number;
  /** The new organisation's peer joining from the genesis block and installing the chaincode, ms. */
  joinMs: number;
  /** Organisations approving the new chaincode definition (each must, or its peers stop endorsing). */
  approvals: number;
  approveMs: number;
  /** Committing the definition and every organisation's peer seeing it, ms. */
  commitMs: number;
  /** The endorsement policy of the new definition, in characters. */
  policyChars: number;
  /** Mean resident memory of the channel's peers, MB. */
  peerRssMb: number;
  /** Ledger-level sends per second, ours beside the blind put, same network, same run. */
  oursTps: number;
  blindTps: number;
}

/** `y = a + b·x`, least squares. */
export interface Line {
  a: number;
  b: number;
}

export function linearFit(points: ReadonlyArray<readonly [number, number]>): Line {
  const n = points.length;
  if (n < 2) throw new Error('a line needs at least two points');
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  if (sxx === 0) throw new Error('a line needs at least two different x');
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const b = sxy / sxx;
  return { a: my - b * mx, b };
}

export const at = (l: Line, x: number): number => l.a + l.b * x;

/**
 * Signatures an admission needs with `orgs` organisations in the channel: Fabric's default MAJORITY Admins, and the
 * council of decision 0029 (the chair plus a majority of `councilMembers` elected members).
 */
export function admissionSignatures(
  orgs: number,
  councilMembers: number,
): { majority: number; council: number } {
  return { majority: Math.floor(orgs / 2) + 1, council: 1 + thresholds(councilMembers).admit };
}

/**
 * The endorsement policy `OutOf(2,'<msp>.peer',…)` the lifecycle verbs write (network/src/membership.ts), for MSP
 * ids of the given lengths: what it costs in characters to name every organisation.
 */
export const policyChars = (mspIdLengths: readonly number[]): number =>
  'OutOf(2,)'.length + mspIdLengths.reduce((s, l) => s + l + "''.peer".length, 0) + mspIdLengths.length - 1;

/** Rows of equal-width columns, numbers right-aligned: what the bench prints after each step. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly (string | number)[]>): string {
  const cells = rows.map((r) => r.map((c) => (typeof c === 'number' ? formatFigure(c) : c)));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const numeric = header.map((_, i) => rows.every((r) => typeof r[i] === 'number'));
  const line = (r: readonly string[]) =>
    r.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...cells.map(line)].join('\n');
}

/** Integers as they are, others to three significant figures (or whole above 100). */
export function formatFigure(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n)) return String(n);
  return Math.abs(n) >= 100 ? String(Math.round(n)) : n.toPrecision(3);
}

export const STEP_HEADER = [
  'orgs',
  'added',
  'sigs',
  'propose ms',
  'sign ms',
  'submit ms',
  'config block B',
  'join ms',
  'approvals',
  'approve ms',
  'commit ms',
  'policy chars',
  'peer RSS MB',
  'ours tx/s',
  'blind tx/s',
  'ratio',
] as const;

export const stepRow = (s: GrowthStep): Array<string | number> => [
  s.orgs,
  s.added || '(founders)',
  s.signatures,
  Math.round(s.proposeMs),
  Math.round(s.signMs),
  Math.round(s.submitMs),
  s.configBlockBytes,
  Math.round(s.joinMs),
  s.approvals,
  Math.round(s.approveMs),
  Math.round(s.commitMs),
  s.policyChars,
  Math.round(s.peerRssMb),
  s.oursTps,
  s.blindTps,
  s.blindTps ? s.oursTps / s.blindTps : NaN,
];

export interface Projection {
  orgs: number;
  configBlockBytes: number;
  policyChars: number;
  bytesPerOrg: number;
}

/**
 * The measured steps' config block and policy sizes extended to `orgs` organisations along their fitted lines. The
 * additions only, where there are two: a config block also carries the update that made it, and the founders' last
 * update (the council's founding) is not an addition.
 */
export function project(steps: readonly GrowthStep[], orgs: number): Projection {
  const additions = steps.filter((s) => s.added);
  const fitted = additions.length >= 2 ? additions : steps;
  const block = linearFit(fitted.map((s) => [s.orgs, s.configBlockBytes] as const));
  const policy = linearFit(fitted.map((s) => [s.orgs, s.policyChars] as const));
  return {
    orgs,
    configBlockBytes: Math.round(at(block, orgs)),
    policyChars: Math.round(at(policy, orgs)),
    bytesPerOrg: Math.round(block.b),
  };
}
