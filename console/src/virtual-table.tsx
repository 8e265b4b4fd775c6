// A table of any length that stays quick: only the rows in view (and a few around them) are in the page, the rest
// are stood in for by two spacer rows, so a 50,000-line act scrolls and edits like a 50-line one. It is still a
// real <table> (header, row headers, aria-rowcount/aria-rowindex), so screen readers and print keep working; the
// rows in view are counted in words above it. Windowing by @tanstack/react-virtual (decision record 0040).
import { useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useTableText } from './table-text';

export interface VirtualRow {
  cells: ReactNode;
  className?: string;
  /** data-* attributes of the row (tests and support find rows by them). */
  data?: Record<string, string | number | undefined>;
}

export interface VirtualTableProps {
  /** The table's name, shown above it and read by screen readers. */
  caption: ReactNode;
  /** The header row(s). */
  head: ReactNode;
  /** Footer rows (totals), kept in view at the bottom of the scrolled box. */
  foot?: ReactNode;
  /** Column widths (CSS), so that columns do not jump as other rows scroll into view. */
  widths: string[];
  /** How many rows there are (after any filter). */
  count: number;
  /** How many rows there are before a filter, when one is applied. */
  of?: number;
  rowKey: (index: number) => string;
  row: (index: number) => VirtualRow;
  /** A first guess of a row's height in pixels; real heights are measured as rows appear. */
  rowHeight?: number;
  className?: string;
  /** Marks the table for tests (`data-table`). */
  name?: string;
}

/** Rows drawn above and below the visible ones: a quick scroll or Tab does not meet an empty table. */
const OVERSCAN = 12;

export function VirtualTable(p: VirtualTableProps) {
  const w = useTableText();
  const scroller = useRef<HTMLDivElement>(null);
  const headRef = useRef<HTMLTableSectionElement>(null);
  const [headHeight, setHeadHeight] = useState(0);
  useLayoutEffect(() => {
    setHeadHeight(headRef.current?.getBoundingClientRect().height ?? 0);
  }, []);
  const v = useVirtualizer({
    count: p.count,
    getScrollElement: () => scroller.current,
    estimateSize: () => p.rowHeight ?? 37,
    overscan: OVERSCAN,
    // The list starts below the sticky header, inside the same scrolled box.
    paddingStart: headHeight,
    getItemKey: p.rowKey,
  });
  const items = v.getVirtualItems();
  const first = items[0];
  const last = items[items.length - 1];
  const top = first ? first.start - headHeight : 0;
  const bottom = last ? v.getTotalSize() - last.end : 0;
  const cols = p.widths.length;
  const shown = v.range;
  const from = shown ? shown.startIndex + 1 : 1;
  const to = shown ? Math.min(shown.endIndex + 1, p.count) : Math.min(p.count, 1);
  const captionId = `${p.name ?? 'vt'}-caption`;
  return (
    <div className="vtable" data-table={p.name}>
      <div className="vtable-bar">
        <h2 id={captionId} className="vtable-caption">
          {p.caption}
        </h2>
        <p className="muted" data-range aria-live="polite">
          {p.count === 0
            ? w('noRows')
            : w('rowsInView')
                .replace('{from}', fmt(from))
                .replace('{to}', fmt(to))
                .replace('{count}', fmt(p.count))}
          {p.of !== undefined && p.of !== p.count ? ` ${w('filteredOf').replace('{of}', fmt(p.of))}` : ''}
          {p.count > 0 && (from > 1 || to < p.count) ? `; ${w('scrollHint')}` : ''}
        </p>
      </div>
      <div
        ref={scroller}
        className="vtable-scroll"
        // A keyboard user scrolls the box with the arrows once it has focus.
        tabIndex={0}
        role="region"
        aria-labelledby={captionId}
      >
        <table
          className={`grid fixed ${p.className ?? ''}`}
          aria-labelledby={captionId}
          aria-rowcount={p.count + 1}
        >
          <colgroup>
            {p.widths.map((width, i) => (
              <col key={i} style={{ width }} />
            ))}
          </colgroup>
          <thead ref={headRef}>{p.head}</thead>
          <tbody>
            {top > 0 && (
              <tr aria-hidden="true" className="vtable-pad">
                <td colSpan={cols} style={{ height: top }} />
              </tr>
            )}
            {items.map((it) => {
              const r = p.row(it.index);
              const data = Object.fromEntries(
                Object.entries(r.data ?? {})
                  .filter(([, x]) => x !== undefined)
                  .map(([k, x]) => [`data-${k}`, String(x)]),
              );
              return (
                <tr
                  key={it.key}
                  ref={v.measureElement}
                  data-index={it.index}
                  aria-rowindex={it.index + 2}
                  className={r.className}
                  {...data}
                >
                  {r.cells}
                </tr>
              );
            })}
            {bottom > 0 && (
              <tr aria-hidden="true" className="vtable-pad">
                <td colSpan={cols} style={{ height: bottom }} />
              </tr>
            )}
          </tbody>
          {p.foot && <tfoot>{p.foot}</tfoot>}
        </table>
      </div>
    </div>
  );
}

const fmt = (n: number) => n.toLocaleString('ru-RU');
