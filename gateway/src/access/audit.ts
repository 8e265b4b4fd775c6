// The node's local audit log: who (a person, or the machine token) did what to which document. Kept in the node's
// sealed store beside the documents, indexed by document id so a document's history is one range read.
import { randomBytes } from 'node:crypto';
import type { GatewayStore } from '../store/store.js';
import type { AuditAction } from './roles.js';

export const AUDIT_SUBLEVEL = 'audit';

export interface AuditEntry {
  at: string;
  action: AuditAction;
  /** A user name, or "api-token" for a machine client. */
  user: string;
  fullName?: string;
  role?: string;
  /** The documents the action concerns (e.g. an act's confirmation: the invoice and the act sent). */
  documentIds: string[];
  detail?: Record<string, unknown>;
}

export class AuditLog {
  constructor(private readonly store: GatewayStore) {}

  async record(entry: AuditEntry): Promise<void> {
    const ids = [...new Set(entry.documentIds.filter(Boolean))];
    const suffix = `${entry.at}\u0000${randomBytes(6).toString('hex')}`;
    const keys = ids.length ? ids.map((id) => `${id}\u0000${suffix}`) : [`\u0000${suffix}`];
    await this.store.batch(
      keys.map((key) => ({
        type: 'put' as const,
        sublevel: AUDIT_SUBLEVEL,
        key,
        value: { ...entry, documentIds: ids },
      })),
    );
  }

  async forDocument(id: string): Promise<AuditEntry[]> {
    const out: AuditEntry[] = [];
    for await (const v of this.store
      .sublevel<AuditEntry>(AUDIT_SUBLEVEL)
      .values({ gt: `${id}\u0000`, lt: `${id}\u0001` })) {
      out.push(v);
    }
    return out;
  }
}
