// Filtering a long table: defects only, one defect code, and words to look for (a patient's name or policy, or
// anything a row says). Used by the expert's act editor and by every document's tables (the clinic's act view).
import { useDeferredValue, useMemo } from 'react';
import { useTableText } from '../table-text';

export interface RowFilter {
  defectsOnly: boolean;
  text: string;
  code: string;
}

export const NO_FILTER: RowFilter = { defectsOnly: false, text: '', code: '' };

/** A table shorter than this is read at a glance: no filter is offered. */
export const FILTER_FROM = 20;

export function RowFilters({
  filter,
  onChange,
  codes,
  searchLabel,
}: {
  filter: RowFilter;
  onChange: (f: RowFilter) => void;
  /** The defect codes to choose from; without them the rows have no defects to filter by. */
  codes?: string[];
  searchLabel?: string;
}) {
  const w = useTableText();
  return (
    <fieldset className="filters row-filters">
      <legend>{w('filters')}</legend>
      {codes && (
        <label className="check">
          <input
            type="checkbox"
            name="defects-only"
            checked={filter.defectsOnly}
            onChange={(e) => onChange({ ...filter, defectsOnly: e.target.checked })}
          />
          {w('defectsOnly')}
        </label>
      )}
      <label>
        {searchLabel ?? w('search')}
        <input
          type="search"
          name="row-search"
          value={filter.text}
          onChange={(e) => onChange({ ...filter, text: e.target.value })}
        />
      </label>
      {codes && (
        <label>
          {w('byCode')}
          <select
            name="defect-code"
            value={filter.code}
            onChange={(e) => onChange({ ...filter, code: e.target.value })}
          >
            <option value="">{w('anyCode')}</option>
            {codes.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
      )}
      <button
        type="button"
        disabled={!filter.defectsOnly && !filter.text && !filter.code}
        onClick={() => onChange(NO_FILTER)}
      >
        {w('clear')}
      </button>
    </fieldset>
  );
}

/** Defect codes in the order of their numbers (1.2 before 1.10). */
export function sortCodes(codes: Iterable<string>): string[] {
  return [...new Set(codes)].sort((a, b) => a.localeCompare(b, 'ru', { numeric: true }));
}

export function defectCodes(rows: Array<Record<string, unknown>>): string[] {
  return sortCodes(rows.flatMap((r) => (typeof r.defectCode === 'string' ? [r.defectCode] : [])));
}

/** What a search looks in: every value of the row, nested ones (a patient's name) included, in lower case. */
function searchable(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object')
    return Object.values(v as Record<string, unknown>)
      .map(searchable)
      .join(' ');
  return String(v);
}

export const needleOf = (text: string) => text.trim().toLocaleLowerCase('ru-RU');

/**
 * The rows a filter keeps, each with its place in the whole table. Typing stays immediate: the table follows the
 * filter a moment later when there are many rows.
 */
export function useFilteredRows(
  rows: Array<Record<string, unknown>>,
  filter: RowFilter,
): Array<{ row: Record<string, unknown>; index: number }> {
  const wanted = useDeferredValue(filter);
  const all = useMemo(() => rows.map((row, index) => ({ row, index })), [rows]);
  // Made once when a search starts, not at every keystroke.
  const searching = wanted.text !== '';
  const texts = useMemo(
    () => (searching ? rows.map((r) => searchable(r).toLocaleLowerCase('ru-RU')) : undefined),
    [rows, searching],
  );
  return useMemo(() => {
    const needle = needleOf(wanted.text);
    if (!wanted.defectsOnly && !needle && !wanted.code) return all;
    return all.filter(({ row, index }) => {
      if (wanted.defectsOnly && row.decision !== 'WITHHELD' && !row.defectCode) return false;
      if (wanted.code && row.defectCode !== wanted.code) return false;
      if (needle && !(texts?.[index] ?? '').includes(needle)) return false;
      return true;
    });
  }, [all, texts, wanted]);
}
