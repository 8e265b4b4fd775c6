// A format version is voted as one schema text that every gateway compiles on its own (decision record 0003): a
// `$ref` to a file beside it ("common.schema.json#/$defs/header") resolves on the author's disk and nowhere else.
// This check needs no JSON Schema engine, so the chaincode runs it at proposal too (decision record 0031).
import type { FieldError } from '../errors.js';

const escape = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

function resolvePointer(root: unknown, fragment: string): boolean {
  if (fragment === '') return true;
  if (!fragment.startsWith('/')) return false;
  let at: unknown = root;
  for (const raw of fragment.slice(1).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (at === null || typeof at !== 'object' || !Object.prototype.hasOwnProperty.call(at, key)) return false;
    at = (at as Record<string, unknown>)[key];
  }
  return true;
}

/**
 * Every `$ref` / `$dynamicRef` that does not resolve inside the schema itself: a JSON Pointer or an anchor of this
 * document, or of a subschema embedded here under its `$id`. Each is reported at the pointer of the reference.
 */
export function unresolvedRefs(schema: unknown, limit = 100): FieldError[] {
  // Resources by their absolute URI (an `$id` resolved against the enclosing one), and by the last segment of it
  // for schemas whose ids are bare file names.
  const ids = new Map<string, unknown>();
  const anchors = new Set<string>();
  const refs: Array<{ pointer: string; ref: string; base: string; resource: unknown }> = [];
  const walk = (node: unknown, pointer: string, depth: number, base: string, resource: unknown): void => {
    if (depth > 200 || node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      node.forEach((v, i) => walk(v, `${pointer}/${i}`, depth + 1, base, resource));
      return;
    }
    const o = node as Record<string, unknown>;
    if (typeof o.$id === 'string') {
      base = resolveUri(o.$id, base);
      resource = o;
      ids.set(base, o);
      ids.set(lastSegment(base), o);
    }
    for (const a of ['$anchor', '$dynamicAnchor'] as const) if (typeof o[a] === 'string') anchors.add(o[a]);
    for (const r of ['$ref', '$dynamicRef'] as const) {
      if (typeof o[r] === 'string') refs.push({ pointer: `${pointer}/${r}`, ref: o[r], base, resource });
    }
    for (const [k, v] of Object.entries(o)) {
      // Values of these keywords are data, not subschemas: a "$ref" inside an example is not a reference.
      if (k === 'const' || k === 'enum' || k === 'examples' || k === 'default') continue;
      walk(v, `${pointer}/${escape(k)}`, depth + 1, base, resource);
    }
  };
  walk(schema, '', 0, '', schema);
  const out: FieldError[] = [];
  for (const { pointer, ref, base, resource } of refs) {
    const hash = ref.indexOf('#');
    const uri = hash < 0 ? ref : ref.slice(0, hash);
    const fragment = hash < 0 ? '' : ref.slice(hash + 1);
    const target = uri === '' ? resource : (ids.get(resolveUri(uri, base)) ?? ids.get(lastSegment(uri)));
    const ok =
      target !== undefined &&
      (fragment.startsWith('/') || fragment === ''
        ? resolvePointer(target, fragment)
        : anchors.has(decodeURIComponent(fragment)));
    if (!ok) {
      out.push({
        pointer,
        code: 'SCHEMA_REF_UNRESOLVED',
        message: `${ref} does not resolve inside the schema: a proposal must be self-contained (embed what it refers to, as \`dmsnet-format bundle\` does)`,
      });
      if (out.length >= limit) break;
    }
  }
  return out;
}

function resolveUri(ref: string, base: string): string {
  try {
    return new URL(ref, base || undefined).href;
  } catch {
    return ref;
  }
}

const lastSegment = (uri: string) => uri.slice(uri.lastIndexOf('/') + 1);
