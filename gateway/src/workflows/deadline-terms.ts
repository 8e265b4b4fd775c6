// The receiving side's hold on a stated deadline (decision record 0062): a request carries the moment its sender wants
// an answer by (`respondBy`), and the receiver's node holds it to the terms agreed with that payer — its
// configuration's minutes for this insurer and urgency — counted from when the request arrived.

/**
 * The stated deadline when it lies within the terms (after arrival, and no later than arrival plus the agreed
 * minutes); otherwise the terms' own limit. A sender cannot stretch an urgent request into a planned one, nor make
 * the receiver late before the request reached it.
 */
export function deadlineWithinTerms(stated: string, arrivedAt: number, minutes: number): string {
  const limit = arrivedAt + minutes * 60_000;
  const asked = Date.parse(stated);
  return new Date(
    Number.isFinite(asked) && asked > arrivedAt && asked <= limit ? asked : limit,
  ).toISOString();
}
