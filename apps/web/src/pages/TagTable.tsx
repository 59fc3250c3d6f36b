import { formatBytes, formatDate, projectHref, shortDigest } from '../components/format';
import { Link } from '../router';
import { protectionSummary, type TagRow } from './tag-list';

interface Props {
  projectId: number;
  repositoryId: string;
  rows: TagRow[];
  selectable: boolean;
  selected: Set<string>;
  onToggle: (name: string, on: boolean) => void;
  canDelete: (row: TagRow) => boolean;
  /** Why the viewer may not delete a protected or immutable tag (its controls are disabled with it), else null. */
  refusal: (row: TagRow) => string | null;
  onDelete: (name: string) => void;
}

export function TagTable({ projectId, repositoryId, rows, selectable, selected, onToggle, canDelete, refusal, onDelete }: Props) {
  const deletable = rows.filter((row) => !refusal(row));
  const allSelected = deletable.length > 0 && deletable.every((row) => selected.has(row.name));
  return (
    <table className="list" aria-label="Tags" data-testid="tags">
      <thead>
        <tr>
          {selectable && (
            <th scope="col" className="check">
              <input
                type="checkbox"
                aria-label="Select all tags on this page"
                checked={allSelected}
                onChange={(event) => deletable.forEach((row) => onToggle(row.name, event.target.checked))}
              />
            </th>
          )}
          <th scope="col">Tag</th>
          <th scope="col" className="hide-narrow">
            Digest
          </th>
          <th scope="col">Size</th>
          <th scope="col">Created</th>
          <th scope="col">Last pulled</th>
          <th scope="col">Pulls</th>
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => {
          const refused = refusal(row);
          return (
            <tr key={row.name} data-testid={`tag-row-${row.name}`}>
              {selectable && (
                <td className="check">
                  <input
                    type="checkbox"
                    aria-label={`Select tag ${row.name}`}
                    title={refused ?? undefined}
                    disabled={refused !== null}
                    checked={refused === null && selected.has(row.name)}
                    onChange={(event) => onToggle(row.name, event.target.checked)}
                  />
                </td>
              )}
              <td>
                <Link href={projectHref(projectId, 'registry', repositoryId, 'tags', row.name)}>{row.name}</Link>
                {row.protection && (
                  <span className={`badge ${row.protection.immutable ? 'immutable' : 'protected'}`} title={protectionSummary(row)} data-testid="protection-badge">
                    {row.protection.immutable ? 'Immutable' : 'Protected'}
                  </span>
                )}
              </td>
              <td className="hide-narrow mono">{row.digest ? shortDigest(row.digest) : row.detailsError ? 'unavailable' : '…'}</td>
              <td>{row.total_size !== undefined ? formatBytes(row.total_size) : '…'}</td>
              <td>{row.created_at !== undefined ? formatDate(row.created_at) : '…'}</td>
              <td data-testid="last-pulled">{lastPulled(row)}</td>
              <td data-testid="pull-count">{row.pull_count ?? '—'}</td>
              <td className="actions">
                {canDelete(row) && (
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
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** `never` for a tag not pulled since pull statistics exist; `—` when the server has no pull statistics. */
export function lastPulled(row: { last_pulled_at?: string | null }): string {
  if (row.last_pulled_at === undefined) return '—';
  return row.last_pulled_at === null ? 'never' : formatDate(row.last_pulled_at);
}
