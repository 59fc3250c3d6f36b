import { ReactNode } from 'react';
import { Pagination } from './Pagination';
import { EmptyState, Loading } from './States';

/** One column: its header, how a row fills its cell, and the class both take (`hide-narrow`, `actions`, `mono`). */
export interface Column<T> {
  header: string;
  /** The header is read by screen readers only (an actions column). */
  hideHeader?: boolean;
  className?: string;
  /** `data-testid` of the column's cells. */
  testId?: string;
  cell: (row: T) => ReactNode;
}

/** A leading column of checkboxes, with a "select all on this page" box in the header. */
export interface RowSelection<T> {
  isSelected: (row: T) => boolean;
  onToggle: (row: T, on: boolean) => void;
  /** The accessible names: of a row's box, and of the header's. */
  rowLabel: (row: T) => string;
  allLabel: string;
  /** Why a row may not be selected (its box is disabled with this as its tooltip), else null. */
  disabledReason?: (row: T) => string | null;
}

/** Pages below the table, as the page keeps them (in the URL, or in state for a list paged in the browser). */
export interface TablePages {
  label: string;
  page: number;
  /** null when the server does not count the list to its end: `hasNext` then says whether there is more. */
  totalPages: number | null;
  hasNext?: boolean;
  onPage: (page: number) => void;
}

interface DataTableProps<T> {
  /** The table's accessible name (unless `labelledBy` names a heading). */
  label: string;
  labelledBy?: string;
  testId?: string;
  columns: Array<Column<T>>;
  /** undefined while loading. */
  rows: T[] | undefined;
  rowKey: (row: T, position: number) => string | number;
  rowTestId?: (row: T) => string;
  loadingLabel?: string;
  /** What an empty list shows; "No <label>" by default. */
  empty?: ReactNode;
  selection?: RowSelection<T>;
  pages?: TablePages;
}

/**
 * The list pages' one table: "Loading" until the rows are there, the empty state when there are none, else the
 * rows (with checkboxes when `selection` is given) and the pages below. Errors stay with the page, which knows
 * what a failure means there (not found, not available on this server, try again).
 */
export function DataTable<T>({ label, labelledBy, testId, columns, rows, rowKey, rowTestId, loadingLabel, empty, selection, pages }: DataTableProps<T>) {
  if (!rows) return <Loading label={loadingLabel} />;
  if (rows.length === 0) return <>{empty ?? <EmptyState title={`No ${label.toLowerCase()}`} />}</>;
  const refusal = (row: T) => selection?.disabledReason?.(row) ?? null;
  // "Select all" takes the rows that may be selected; a page of only disabled rows shows it unchecked.
  const selectable = rows.filter((row) => refusal(row) === null);
  const allSelected = selection !== undefined && selectable.length > 0 && selectable.every((row) => selection.isSelected(row));
  return (
    <>
      <table className="list" aria-label={labelledBy ? undefined : label} aria-labelledby={labelledBy} data-testid={testId}>
        <thead>
          <tr>
            {selection && (
              <th scope="col" className="check">
                <input
                  type="checkbox"
                  aria-label={selection.allLabel}
                  checked={allSelected}
                  onChange={(event) => selectable.forEach((row) => selection.onToggle(row, event.target.checked))}
                />
              </th>
            )}
            {columns.map((column) => (
              <th scope="col" key={column.header} className={column.className}>
                {column.hideHeader ? <span className="visually-hidden">{column.header}</span> : column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, position) => (
            <tr key={rowKey(row, position)} data-testid={rowTestId?.(row)}>
              {selection && (
                <td className="check">
                  <input
                    type="checkbox"
                    aria-label={selection.rowLabel(row)}
                    title={refusal(row) ?? undefined}
                    disabled={refusal(row) !== null}
                    checked={refusal(row) === null && selection.isSelected(row)}
                    onChange={(event) => selection.onToggle(row, event.target.checked)}
                  />
                </td>
              )}
              {columns.map((column) => (
                <td key={column.header} className={column.className} data-testid={column.testId}>
                  {column.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {pages && <Pagination label={pages.label} page={pages.page} totalPages={pages.totalPages} hasNext={pages.hasNext} onPage={pages.onPage} />}
    </>
  );
}

/** One page of a list paged in the browser, and how many pages there are (at least one). */
export function pageOf<T>(rows: T[], page: number, perPage: number): { rows: T[]; page: number; totalPages: number } {
  const totalPages = Math.max(1, Math.ceil(rows.length / perPage));
  const current = Math.min(Math.max(1, page), totalPages);
  return { rows: rows.slice((current - 1) * perPage, current * perPage), page: current, totalPages };
}
