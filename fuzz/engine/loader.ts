// Node's module customization hooks (run in the loader thread): the project's own compiled modules under the
// included folders are instrumented as they load; everything else (node_modules, the engine, the targets) is not.
import type { LoadHook } from 'node:module';
import { instrument } from './instrument.js';

let include: string[] = [];

export function initialize(data: { include: string[] }): void {
  include = data.include;
}

export const load: LoadHook = async (url, context, nextLoad) => {
  const loaded = await nextLoad(url, context);
  if (loaded.format !== 'module' || !include.some((prefix) => url.startsWith(prefix))) return loaded;
  const text = typeof loaded.source === 'string' ? loaded.source : new TextDecoder().decode(loaded.source);
  return { ...loaded, source: instrument(text, url).code, shortCircuit: true };
};
