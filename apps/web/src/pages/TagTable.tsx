import { Column, DataTable, TablePages } from '../components/DataTable';
import { EmptyState } from '../components/States';
import { formatBytes, formatDate, projectHref, shortDigest } from '../components/format';
import { Link } from '../router';
import { ProtectionBadge } from './ProtectionBadge';
import type { TagRow } from './tag-list';

interface Props {
  projectId: number;
  repositoryId: string;
  rows: TagRow[] | undefined;
  /** The filter typed, for the empty state. */
  filter: string;
  selectable: boolean;
  isSelected: (name: string) => boolean;
  onToggle: (name: string, on: boolean) => void;
  canDelete: (row: TagRow) => boolean;
  /** Why the viewer may not delete a protected or immutable tag (its controls are disabled with it), else null. */
  refusal: (row: TagRow) => string | null;
  onDelete: (name: string) => void;
  pages: TablePages;
}

/** An image's tags: digest, size, date, pull statistics, delete buttons and checkboxes. */
export function TagTable({ projectId, repositoryId, rows, filter, selectable, isSelected, onToggle, canDelete, refusal, onDelete, pages }: Props) {
  const columns: Array<Column<TagRow>> = [
    {
      header: 'Tag',
      cell: (row) => (
        <>
          <Link href={projectHref(projectId, 'registry', repositoryId, 'tags', row.name)}>{row.name}</Link>
          <ProtectionBadge row={row} />
        </>
      ),
    },
    { header: 'Digest', className: 'hide-narrow mono', testId: 'tag-digest-short', cell: (row) => shortDigest(row.digest) },
    { header: 'Size', cell: (row) => formatBytes(row.total_size) },
    { header: 'Created', testId: 'tag-created', cell: (row) => formatDate(row.created_at) },
    { header: 'Last pulled', testId: 'last-pulled', cell: lastPulled },
    { header: 'Pulls', testId: 'pull-count', cell: (row) => row.pull_count ?? '—' },
    {
      header: 'Actions',
      hideHeader: true,
      className: 'actions',
      cell: (row) => {
        if (!canDelete(row)) return null;
        const refused = refusal(row);
        return (
          // A disabled button gets no pointer events in every browser: the wrapper carries the tooltip.
          <span title={refused ?? undefined} data-testid="delete-refused" data-reason={refused ?? undefined}>
            <button
              type="button"
              className="danger small"
              disabled={refused !== null}
              onClick={() => onDelete(row.name)}
              aria-label={`Delete tag ${row.name}`}
              title={refused ?? undefined}
            >
              Delete
            </button>
          </span>
        );
      },
    },
  ];
  return (
    <DataTable
      label="Tags"
      testId="tags"
      columns={columns}
      rows={rows}
      rowKey={(row) => row.name}
      rowTestId={(row) => `tag-row-${row.name}`}
      loadingLabel="Loading tags…"
      empty={<EmptyState title={filter ? 'No tag matches the filter' : 'This image has no tags'} />}
      selection={
        selectable
          ? {
              isSelected: (row) => isSelected(row.name),
              onToggle: (row, on) => onToggle(row.name, on),
              rowLabel: (row) => `Select tag ${row.name}`,
              allLabel: 'Select all tags on this page',
              disabledReason: refusal,
            }
          : undefined
      }
      pages={pages}
    />
  );
}

/** `never` for a tag not pulled since pull statistics exist; `—` when the server has no pull statistics. */
export function lastPulled(row: { last_pulled_at?: string | null }): string {
  if (row.last_pulled_at === undefined) return '—';
  return row.last_pulled_at === null ? 'never' : formatDate(row.last_pulled_at);
}
