// The document's signed receipts as a person reads them: whether the addressee's receipt of delivery and the sender's
// acknowledgement were verified, when the ledger recorded them, and what failed when one does not verify.
import { formatDateTime } from '../format';
import { useI18n, type Key } from '../i18n';

export interface KeptReceipt {
  kind: 'delivery' | 'acknowledgement';
  state: 'ISSUED' | 'VERIFIED' | 'INVALID';
  receiptHash: string;
  signed?: {
    receipt: { issuedAt?: string; signer?: { participant: string; profile: string }; openFailure?: string };
  };
  code?: string;
  message?: string;
  ledgerAt?: string;
}

const STATE: Record<KeptReceipt['state'], Key> = {
  ISSUED: 'receiptIssued',
  VERIFIED: 'receiptVerified',
  INVALID: 'receiptInvalid',
};

export function Receipts({ receipts }: { receipts?: Partial<Record<KeptReceipt['kind'], KeptReceipt>> }) {
  const { t } = useI18n();
  const list = (['delivery', 'acknowledgement'] as const)
    .map((k) => receipts?.[k])
    .filter((r): r is KeptReceipt => !!r);
  return (
    <section aria-labelledby="receipts-title">
      <h2 id="receipts-title">{t('receipts')}</h2>
      {list.length === 0 ? (
        <p>{t('noReceipt')}</p>
      ) : (
        <ul className="receipts">
          {list.map((r) => (
            <li key={r.kind} className={r.state === 'INVALID' ? 'alert error' : undefined}>
              {t(r.kind === 'delivery' ? 'receiptDelivery' : 'receiptAck')}: {t(STATE[r.state])}
              {r.ledgerAt ? `, ${formatDateTime(r.ledgerAt)}` : ''}
              {r.signed?.receipt.signer ? ` (${r.signed.receipt.signer.profile})` : ''}
              {r.signed?.receipt.openFailure
                ? ` — ${t('receiptNotOpened')} ${r.signed.receipt.openFailure}`
                : ''}
              {r.state === 'INVALID' && r.message ? ` — ${r.message}` : ''}
              <br />
              <code title="SHA-256">{r.receiptHash}</code>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
