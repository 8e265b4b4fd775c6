// Reading and rewriting evidence bundles in tests: what a party tampering with a bundle would do.
import JSZip from 'jszip';
import { sha256Hex } from '../../../gateway/src/crypto/index.js';
import { BUNDLE_FILES } from '../../../gateway/src/evidence/bundle.js';

export async function filesOf(zip: Uint8Array): Promise<Map<string, Uint8Array>> {
  const z = await JSZip.loadAsync(zip);
  const out = new Map<string, Uint8Array>();
  for (const name of Object.keys(z.files)) out.set(name, await z.files[name]!.async('uint8array'));
  return out;
}

/** The bundle with some files changed (null: removed); the manifest follows unless `keepManifest`. */
export async function tampered(
  zip: Uint8Array,
  changes: Record<string, Uint8Array | string | null>,
  keepManifest = false,
): Promise<Uint8Array> {
  const files = await filesOf(zip);
  const manifest = JSON.parse(Buffer.from(files.get(BUNDLE_FILES.manifest)!).toString('utf8')) as {
    files: Record<string, string>;
  };
  for (const [name, value] of Object.entries(changes)) {
    if (value === null) {
      files.delete(name);
      delete manifest.files[name];
    } else {
      const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
      files.set(name, bytes);
      manifest.files[name] = sha256Hex(bytes);
    }
  }
  if (!keepManifest) files.set(BUNDLE_FILES.manifest, Buffer.from(JSON.stringify(manifest)));
  const z = new JSZip();
  for (const [name, bytes] of files) z.file(name, bytes);
  return z.generateAsync({ type: 'uint8array', compression: 'DEFLATE' });
}
