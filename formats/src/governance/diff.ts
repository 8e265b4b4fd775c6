// Classifies how a JSON Schema changed between two versions, so the association can see before voting whether
// documents valid today would be refused tomorrow (breaking) or not (compatible).
export type ChangeKind = 'breaking' | 'compatible';

export interface SchemaChange {
  pointer: string;
  kind: ChangeKind;
  rule: string;
  message: string;
}

type Schema = Record<string, unknown>;
const isObj = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);
const types = (s: Schema): string[] | undefined =>
  s.type === undefined ? undefined : Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];

const TIGHTER_WHEN_LARGER = ['minimum', 'exclusiveMinimum', 'minLength', 'minItems', 'minProperties'];
const TIGHTER_WHEN_SMALLER = ['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems', 'maxProperties'];

/** Walks both schemas in step; `at` is a JSON Pointer into the schema. */
export function diffSchemas(before: unknown, after: unknown, at = ''): SchemaChange[] {
  const out: SchemaChange[] = [];
  if (!isObj(before) || !isObj(after)) return out;
  const add = (pointer: string, kind: ChangeKind, rule: string, message: string) =>
    out.push({ pointer, kind, rule, message });

  const tb = types(before);
  const ta = types(after);
  if (tb && ta) {
    const lost = tb.filter((t) => !ta.includes(t));
    const gained = ta.filter((t) => !tb.includes(t));
    if (lost.length)
      add(`${at}/type`, 'breaking', 'TYPE_NARROWED', `type no longer allows ${lost.join(', ')}`);
    if (gained.length)
      add(`${at}/type`, 'compatible', 'TYPE_WIDENED', `type now also allows ${gained.join(', ')}`);
  } else if (!tb && ta) add(`${at}/type`, 'breaking', 'TYPE_NARROWED', `type restricted to ${ta.join(', ')}`);

  const eb = before.enum as unknown[] | undefined;
  const ea = after.enum as unknown[] | undefined;
  if (ea && !eb) add(`${at}/enum`, 'breaking', 'ENUM_ADDED', 'values restricted to an enum');
  if (eb && ea) {
    const key = (v: unknown) => JSON.stringify(v);
    const removed = eb.filter((v) => !ea.map(key).includes(key(v)));
    const added = ea.filter((v) => !eb.map(key).includes(key(v)));
    if (removed.length)
      add(`${at}/enum`, 'breaking', 'ENUM_SHRUNK', `values removed: ${removed.map(key).join(', ')}`);
    if (added.length)
      add(`${at}/enum`, 'compatible', 'ENUM_WIDENED', `values added: ${added.map(key).join(', ')}`);
  }
  if (after.pattern !== before.pattern && after.pattern !== undefined) {
    add(`${at}/pattern`, 'breaking', 'PATTERN_CHANGED', `pattern is now ${String(after.pattern)}`);
  } else if (before.pattern !== undefined && after.pattern === undefined) {
    add(`${at}/pattern`, 'compatible', 'PATTERN_REMOVED', 'pattern removed');
  }
  for (const k of TIGHTER_WHEN_LARGER) bound(k, (a, b) => a > b);
  for (const k of TIGHTER_WHEN_SMALLER) bound(k, (a, b) => a < b);
  function bound(k: string, tighter: (a: number, b: number) => boolean) {
    const b = (before as Schema)[k] as number | undefined;
    const a = (after as Schema)[k] as number | undefined;
    if (a === b) return;
    if (a !== undefined && (b === undefined || tighter(a, b))) {
      add(`${at}/${k}`, 'breaking', 'BOUND_TIGHTENED', `${k} ${b ?? 'unset'} → ${a}`);
    } else add(`${at}/${k}`, 'compatible', 'BOUND_RELAXED', `${k} ${b} → ${a ?? 'unset'}`);
  }

  const rb = new Set((before.required as string[] | undefined) ?? []);
  const ra = new Set((after.required as string[] | undefined) ?? []);
  for (const r of ra)
    if (!rb.has(r)) add(`${at}/required`, 'breaking', 'REQUIRED_ADDED', `${r} is now required`);
  for (const r of rb)
    if (!ra.has(r)) add(`${at}/required`, 'compatible', 'REQUIRED_REMOVED', `${r} is now optional`);

  const pb = isObj(before.properties) ? before.properties : {};
  const pa = isObj(after.properties) ? after.properties : {};
  const esc = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
  for (const name of Object.keys(pb)) {
    const p = `${at}/properties/${esc(name)}`;
    if (!(name in pa)) add(p, 'breaking', 'PROPERTY_REMOVED', `${name} removed`);
    else out.push(...diffSchemas(pb[name], pa[name], p));
  }
  for (const name of Object.keys(pa)) {
    if (name in pb) continue;
    const p = `${at}/properties/${esc(name)}`;
    if (ra.has(name)) continue; // already reported as REQUIRED_ADDED
    add(p, 'compatible', 'PROPERTY_ADDED', `optional ${name} added`);
  }
  if (before.additionalProperties !== false && after.additionalProperties === false) {
    add(`${at}/additionalProperties`, 'breaking', 'CLOSED', 'unknown properties now refused');
  }
  out.push(...diffSchemas(before.items, after.items, `${at}/items`));
  for (const k of ['$defs', 'definitions']) {
    const db = isObj(before[k]) ? (before[k] as Schema) : {};
    const da = isObj(after[k]) ? (after[k] as Schema) : {};
    for (const name of Object.keys(db)) {
      if (name in da) out.push(...diffSchemas(db[name], da[name], `${at}/${k}/${esc(name)}`));
      else add(`${at}/${k}/${esc(name)}`, 'breaking', 'DEFINITION_REMOVED', `${name} removed`);
    }
  }
  return out;
}

export const isBreaking = (changes: readonly SchemaChange[]) => changes.some((c) => c.kind === 'breaking');
