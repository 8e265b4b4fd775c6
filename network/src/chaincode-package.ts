// The chaincode-as-a-service package: deterministic bytes (fixed times, owners, order), so the same connection gives
// the same package id on every run and machine, since Fabric's package id is a hash of the archive.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';

export interface CcaasConnection {
  address: string;
  dial_timeout: string;
  tls_required: boolean;
}

async function tarball(files: ReadonlyArray<{ name: string; content: Buffer }>): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pack.on('data', (c: unknown) => chunks.push(c as Buffer));
    pack.on('end', () => resolve(Buffer.concat(chunks)));
    pack.on('error', reject);
  });
  for (const f of [...files].sort((a, b) => a.name.localeCompare(b.name))) {
    pack.entry(
      {
        name: f.name,
        size: f.content.length,
        mode: 0o644,
        mtime: new Date(0),
        uid: 0,
        gid: 0,
        uname: '',
        gname: '',
      },
      f.content,
    );
  }
  pack.finalize();
  // gzip without a name or time in its header: only the content decides the bytes.
  return gzipSync(await done, { level: 9 });
}

export async function ccaasPackage(
  label: string,
  connection: CcaasConnection,
): Promise<{ bytes: Buffer; packageId: string }> {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.+-]*$/.test(label)) throw new Error(`invalid chaincode label ${label}`);
  const code = await tarball([{ name: 'connection.json', content: Buffer.from(JSON.stringify(connection)) }]);
  const bytes = await tarball([
    { name: 'metadata.json', content: Buffer.from(JSON.stringify({ type: 'ccaas', label })) },
    { name: 'code.tar.gz', content: code },
  ]);
  return { bytes, packageId: `${label}:${createHash('sha256').update(bytes).digest('hex')}` };
}
