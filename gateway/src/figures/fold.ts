// The arithmetic of the figures: each document contributes small vectors to a few cells (a month, a metric, a
// dimension such as the counterparty or the defect code), and the cells hold the sums. A document that changes (an
// invoice paid, a request answered, an act corrected) takes its old contribution out and puts its new one in, so the
// cells always equal the sum of every document's latest contribution: what a recount from scratch would give. Pure,
// so a property test holds the incremental fold to the recount (decision record 0060).

/** A cell: `<YYYY-MM>\0<metric>\0<dimension>`. */
export type CellKey = string;

/** What one document adds to the cells it touches. */
export type Contribution = Record<CellKey, number[]>;

export const CELL_SEPARATOR = '\u0000';

export const cellKey = (month: string, metric: string, dimension: string): CellKey =>
  `${month}${CELL_SEPARATOR}${metric}${CELL_SEPARATOR}${dimension}`;

export function parseCellKey(key: CellKey): { month: string; metric: string; dimension: string } {
  const [month = '', metric = '', dimension = ''] = key.split(CELL_SEPARATOR);
  return { month, metric, dimension };
}

/** Adds `v` times `sign` into `into` (padding with zeros), in place. */
function addInto(into: number[], v: readonly number[], sign: 1 | -1): void {
  for (let i = 0; i < v.length; i++) into[i] = (into[i] ?? 0) + sign * v[i]!;
}

const isZero = (v: readonly number[]) => v.every((x) => x === 0);

/** Merges contributions into one (several documents' shares of the same cells, summed). */
export function addContribution(into: Contribution, c: Contribution | undefined, sign: 1 | -1 = 1): void {
  if (!c) return;
  for (const [k, v] of Object.entries(c)) addInto((into[k] ??= []), v, sign);
}

/**
 * The change a document's new contribution makes to the cells: `after − before` per touched cell. Cells that do not
 * move are left out, so a document folded again unchanged writes nothing.
 */
export function delta(before: Contribution | undefined, after: Contribution | undefined): Contribution {
  const d: Contribution = {};
  addContribution(d, after, 1);
  addContribution(d, before, -1);
  for (const [k, v] of Object.entries(d)) if (isZero(v)) delete d[k];
  return d;
}

/**
 * Applies a delta to the cells as they are (`read` gives a cell's current vector or undefined): the new vectors to
 * put, and the cells that become all zero (to delete, so empty months leave no keys behind).
 */
export function applyDelta(
  d: Contribution,
  read: (k: CellKey) => readonly number[] | undefined,
): { put: Contribution; del: CellKey[] } {
  const put: Contribution = {};
  const del: CellKey[] = [];
  for (const [k, v] of Object.entries(d)) {
    const next = [...(read(k) ?? [])];
    addInto(next, v, 1);
    if (isZero(next)) del.push(k);
    else put[k] = next;
  }
  return { put, del };
}

/** The cells from scratch: the sum of every document's contribution, zero cells left out. */
export function recount(contributions: Iterable<Contribution>): Contribution {
  const cells: Contribution = {};
  for (const c of contributions) addContribution(cells, c);
  for (const [k, v] of Object.entries(cells)) if (isZero(v)) delete cells[k];
  return cells;
}
