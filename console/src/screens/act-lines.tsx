// The lines of an expertise act as the insurer's expert works through them: a windowed table (a 50,000-line act
// opens at once and scrolls smoothly) with a filter by defects, by patient or policy and by defect code. The act
// screen keeps what a line's edit is and how it is saved; this file only shows and filters (by the edits as they
// stand, so a code typed a moment ago is found).
import { useDeferredValue, useMemo, useState } from 'react';
import { formatDate, formatMoney, fullName } from '../format';
import { useI18n } from '../i18n';
import { useTableText } from '../table-text';
import { useActText } from './act-text';
import { VirtualTable } from '../virtual-table';
import { needleOf, NO_FILTER, RowFilters, sortCodes, type RowFilter } from './row-filter';

export interface ActLine {
  rowId: string;
  invoiceLineId: string;
  decision: 'PAID' | 'WITHHELD';
  claimedAmount: number;
  paidAmount: number;
  withheldAmount: number;
  defectCode?: string;
  reason?: string;
}
export interface InvoiceLine {
  rowId: string;
  patient: { lastName: string; firstName: string; middleName?: string; policyNumber?: string };
  serviceCode: string;
  serviceName?: string;
  serviceDate: string;
}
export interface Edit {
  decision: 'PAID' | 'WITHHELD';
  paid: string;
  defectCode: string;
  reason: string;
}

const DEFECT = /^[0-9]{1,2}(\.[0-9]{1,2}){1,2}$/;

export function ActLinesTable({
  lines,
  invoice,
  editOf,
  changed,
  set,
  editable,
  totals,
  disputed = new Map(),
}: {
  lines: ActLine[];
  invoice: Map<string, InvoiceLine>;
  /** A line's edit as it stands (its saved state while untouched). */
  editOf: (x: ActLine) => Edit;
  /** Lines changed since the last save: they stay in view under "defects only" even once paid. */
  changed: ReadonlySet<string>;
  set: (id: string, patch: Partial<Edit>) => void;
  editable: boolean;
  totals: { claimed: number; paid: number; withheld: number };
  /** Lines the clinic disputed, with its reason for each (shown under the line). */
  disputed?: ReadonlyMap<string, string>;
}) {
  const a = useActText();
  const { t, l } = useI18n();
  const w = useTableText();
  const [filter, setFilter] = useState<RowFilter>(NO_FILTER);
  // Typing in the filter stays immediate; the table follows a moment later when the act is large.
  const wanted = useDeferredValue(filter);
  // What the patient filter searches, made once per loaded invoice rather than at every keystroke.
  const haystack = useMemo(() => {
    const m = new Map<string, string>();
    for (const [id, x] of invoice)
      m.set(id, `${fullName(x.patient)} ${x.patient.policyNumber ?? ''}`.toLocaleLowerCase('ru-RU'));
    return m;
  }, [invoice]);
  const codes = useMemo(() => {
    const s: string[] = [];
    for (const x of lines) {
      const c = editOf(x).defectCode;
      if (c) s.push(c);
    }
    return sortCodes(s);
  }, [lines, editOf]);
  const shown = useMemo(() => {
    const needle = needleOf(wanted.text);
    if (!wanted.defectsOnly && !needle && !wanted.code) return lines;
    return lines.filter((x) => {
      const e = editOf(x);
      if (wanted.defectsOnly && e.decision !== 'WITHHELD' && !e.defectCode && !changed.has(x.invoiceLineId))
        return false;
      if (wanted.code && e.defectCode !== wanted.code) return false;
      if (needle && !(haystack.get(x.invoiceLineId) ?? '').includes(needle)) return false;
      return true;
    });
  }, [lines, wanted, editOf, changed, haystack]);

  return (
    <>
      <RowFilters filter={filter} onChange={setFilter} codes={codes} searchLabel={w('byPatient')} />
      <VirtualTable
        name="act-lines"
        className="act"
        caption={t('lines')}
        count={shown.length}
        of={lines.length}
        widths={['6%', '18%', '13%', '10%', '11%', '10%', '10%', '22%']}
        // Two lines high: the service's code over its date.
        rowHeight={50}
        rowKey={(i) => (shown[i] as ActLine).invoiceLineId}
        head={
          <tr>
            <th scope="col">{t('line')}</th>
            <th scope="col">{t('patient')}</th>
            <th scope="col">{t('service')}</th>
            <th scope="col">{t('claimed')}</th>
            <th scope="col">{t('decision')}</th>
            <th scope="col">{t('paid')}</th>
            <th scope="col">{t('defectCode')}</th>
            <th scope="col">{t('explanation')}</th>
          </tr>
        }
        row={(i) => {
          const x = shown[i] as ActLine;
          const e = editOf(x);
          const inv = invoice.get(x.invoiceLineId);
          const id = `l-${x.invoiceLineId}`;
          const badCode = e.decision === 'WITHHELD' && !DEFECT.test(e.defectCode);
          return {
            className: disputed.has(x.invoiceLineId)
              ? 'disputed'
              : e.decision === 'WITHHELD'
                ? 'withheld'
                : undefined,
            data: { line: x.invoiceLineId },
            cells: (
              <>
                <th scope="row">{x.invoiceLineId}</th>
                <td>{inv ? fullName(inv.patient) : ''}</td>
                <td>
                  {inv?.serviceCode} {inv?.serviceName}
                  {inv && <div className="muted">{formatDate(inv.serviceDate)}</div>}
                </td>
                <td className="num">{formatMoney(x.claimedAmount)}</td>
                <td>
                  {editable ? (
                    <select
                      aria-label={`${t('decision')}, ${t('line')} ${x.invoiceLineId}`}
                      name={`${id}-decision`}
                      value={e.decision}
                      onChange={(ev) =>
                        set(x.invoiceLineId, {
                          decision: ev.target.value as Edit['decision'],
                          paid: ev.target.value === 'WITHHELD' ? '0,00' : e.paid,
                          // A paid line has no defect: a code left behind would be sent with it.
                          defectCode: ev.target.value === 'PAID' ? '' : e.defectCode,
                        })
                      }
                    >
                      <option value="PAID">{l('PAID')}</option>
                      <option value="WITHHELD">{l('WITHHELD')}</option>
                    </select>
                  ) : (
                    l(x.decision)
                  )}
                </td>
                <td className="num">
                  {editable && e.decision === 'WITHHELD' ? (
                    <>
                      <input
                        className="screen-only"
                        aria-label={`${t('paid')}, ${t('line')} ${x.invoiceLineId}`}
                        name={`${id}-paid`}
                        inputMode="decimal"
                        size={10}
                        value={e.paid}
                        onChange={(ev) => set(x.invoiceLineId, { paid: ev.target.value })}
                      />
                      {/* Paper cannot scroll a text field: the value prints as text that wraps. */}
                      <span className="print-only">{e.paid}</span>
                    </>
                  ) : (
                    formatMoney(e.decision === 'PAID' ? x.claimedAmount : x.paidAmount)
                  )}
                </td>
                <td>
                  {editable && e.decision === 'WITHHELD' ? (
                    <>
                      <input
                        className="screen-only"
                        aria-label={`${t('defectCode')}, ${t('line')} ${x.invoiceLineId}`}
                        aria-invalid={badCode}
                        name={`${id}-defect`}
                        size={7}
                        value={e.defectCode}
                        onChange={(ev) => set(x.invoiceLineId, { defectCode: ev.target.value.trim() })}
                      />
                      {/* Paper cannot scroll a text field: the value prints as text that wraps. */}
                      <span className="print-only">{e.defectCode}</span>
                    </>
                  ) : (
                    x.defectCode
                  )}
                </td>
                <td>
                  {editable && e.decision === 'WITHHELD' ? (
                    <>
                      <input
                        className="screen-only"
                        aria-label={`${t('explanation')}, ${t('line')} ${x.invoiceLineId}`}
                        name={`${id}-reason`}
                        value={e.reason}
                        onChange={(ev) => set(x.invoiceLineId, { reason: ev.target.value })}
                      />
                      {/* Paper cannot scroll a text field: the value prints as text that wraps. */}
                      <span className="print-only">{e.reason}</span>
                    </>
                  ) : (
                    x.reason
                  )}
                  {disputed.has(x.invoiceLineId) && (
                    <div className="dispute-reason" data-dispute-reason="">
                      {a('disputeLine')}: «{disputed.get(x.invoiceLineId)}»
                    </div>
                  )}
                </td>
              </>
            ),
          };
        }}
        foot={
          <tr>
            <th scope="row" colSpan={3}>
              {t('total')}
            </th>
            <td className="num" data-total="claimed">
              {formatMoney(totals.claimed)}
            </td>
            <td />
            <td className="num" data-total="paid">
              {formatMoney(totals.paid)}
            </td>
            <td colSpan={2} data-total="withheld">
              {t('withheld')}: {formatMoney(totals.withheld)}
            </td>
          </tr>
        }
      />
    </>
  );
}
