import type { NodeConfig } from './config.js';

export function operatorReadme(c: NodeConfig): string {
  const embedded = c.ledger.mode === 'embedded';
  return `# dmsnet node — ${c.participant.name} (ОГРН ${c.participant.id}, ${c.participant.role})

Created by \`dmsnet-node init\`. Config: \`dmsnet-node.yaml\` (validated by \`dmsnet-node check .\`).

## Secrets
- \`secrets/participant-keys.json\` — encryption and signing keys, encrypted with Argon2id + secretbox.
  The passphrase is never stored here: set \`DMSNET_PASSPHRASE\` or \`DMSNET_PASSPHRASE_FILE\` before \`start\`.
- \`secrets/api-token\` — the bearer token local systems send (\`Authorization: Bearer …\`), mode 0600.

## Run
    export DMSNET_PASSPHRASE_FILE=/path/to/passphrase
    npx dmsnet-node check .
    npx dmsnet-node start .
The API listens on http://${c.api.host}:${c.api.port} (OpenAPI at /v1/openapi.json).

## Backup
Stop the node, then \`npx dmsnet-node backup . --out FILE\`: the whole folder, encrypted with the passphrase. Restore
with \`npx dmsnet-node restore FILE --dir NEW_DIR\` into a new or empty folder; started, the node catches up from the
ledger.

## Ledger
${
  embedded
    ? `Embedded mode: one machine only (development, demo, tests). The ledger lives in \`ledger/\`.
${
  c.ledger.embedded?.sandboxAssociation
    ? `Because a lone node needs an association and active formats, \`init\` also created a **sandbox association**
identity and CA. The first \`start\` bootstraps the sandbox ledger: the association registers itself and this
participant, sets the voting rules and proposes and approves the bundled v1 formats. Nothing here is a real network.`
    : ''
}`
    : `Fabric mode: \`msp/csr.pem\` is a PKCS#10 request for your organisation's Fabric CA, with the participant id in
the subject; \`msp/enrollment.json\` lists the \`dmsnet.participant\` attribute to request. Put the signed
certificate in \`msp/signcerts/\`, the CA root in \`msp/cacerts/\`, the peer's TLS CA in \`tls/ca.crt\`.`
}
`;
}
