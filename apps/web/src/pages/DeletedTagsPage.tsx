import { useState } from 'react';
import { getRepository } from '../api/registry';
import { listDeletedTags, restoreTag } from '../api/deleted-tags';
import type { DeletedTag } from '../api/types';
import { AccessLevel } from '../api/types';
import { Breadcrumbs } from '../components/Layout';
import { Pagination } from '../components/Pagination';
import { EmptyState, ErrorState, InlineError, Loading } from '../components/States';
import { formatDate, projectHref, shortDigest } from '../components/format';
import { useAction } from '../components/useAction';
import { useAsync } from '../components/useAsync';
import { setQuery, useLocation } from '../router';
import { useProject } from './ProjectLayout';

const PER_PAGE = 20;
const COLUMNS: Array<[label: string, className?: string]> = [['Tag'], ['Digest', 'hide-narrow'], ['Deleted'], ['By', 'hide-narrow'], ['Restorable until']];

const HOW: Record<DeletedTag['how'], string> = { registry: 'registry API', api: 'REST API', bulk_delete: 'bulk delete', cleanup: 'cleanup policy' };
const BLOCKED: Record<NonNullable<DeletedTag['restore_blocked_by']>, string> = {
  manifest_deleted: 'Its image was deleted',
  name_taken: 'A tag of that name exists again',
};

/** An image's recently deleted tags (within the GC review window), and (for Maintainers) putting one back. */
export function DeletedTagsPage({ repositoryId }: { repositoryId: string }) {
  const { project, accessLevel, canWrite } = useProject();
  const { search } = useLocation();
  const page = Number(search.get('page') ?? '1') || 1;
  const repo = useAsync(() => getRepository(repositoryId), [repositoryId]);
  const deleted = useAsync(() => listDeletedTags(project.id, repositoryId, page, PER_PAGE), [project.id, repositoryId, page]);
  const restore = useAction();
  const [message, setMessage] = useState<string | null>(null);
  const canRestore = canWrite && accessLevel >= AccessLevel.MAINTAINER;

  const runRestore = (tag: DeletedTag) =>
    restore.run(async () => {
      setMessage(null);
      await restoreTag(project.id, repositoryId, tag);
      setMessage(`Restored ${tag.name} (${shortDigest(tag.digest)}).`);
      deleted.reload();
    });

  const path = repo.data?.path ?? `repository ${repositoryId}`;
  return (
    <>
      <Breadcrumbs
        items={[
          { label: 'Container registry', href: projectHref(project.id, 'registry') },
          { label: path, href: projectHref(project.id, 'registry', repositoryId) },
          { label: 'Recently deleted' },
        ]}
      />
      <h2 data-testid="deleted-tags-title">Recently deleted tags</h2>
      <p className="sub">Tags deleted while their image is still kept for garbage collection review can be restored until the time shown.</p>
      {message && (
        <p className="notice" role="status">
          {message}
        </p>
      )}
      <InlineError error={restore.error} />
      {deleted.error ? (
        <ErrorState error={deleted.error} onRetry={deleted.reload} />
      ) : !deleted.data ? (
        <Loading label="Loading deleted tags…" />
      ) : deleted.data.items.length === 0 ? (
        <EmptyState title="No recently deleted tags" />
      ) : (
        <>
          <table className="list" aria-label="Deleted tags" data-testid="deleted-tags">
            <thead>
              <tr>
                {COLUMNS.map(([label, className]) => (
                  <th scope="col" key={label} className={className}>
                    {label}
                  </th>
                ))}
                <th scope="col" aria-label="Actions" />
              </tr>
            </thead>
            <tbody>
              {deleted.data.items.map((tag) => (
                <tr key={tag.id} data-testid={`deleted-tag-row-${tag.name}`}>
                  <td>{tag.name}</td>
                  <td className="hide-narrow mono">{shortDigest(tag.digest)}</td>
                  <td>
                    {formatDate(tag.deleted_at)}
                    <div className="sub">{HOW[tag.how]}</div>
                  </td>
                  <td className="hide-narrow">{tag.deleted_by_username ?? (tag.deleted_by_type ? `${tag.deleted_by_type} ${tag.deleted_by}` : 'system')}</td>
                  <td>{formatDate(tag.restorable_until)}</td>
                  <td className="actions">
                    {tag.restore_blocked_by ? (
                      <span className="sub">{BLOCKED[tag.restore_blocked_by]}</span>
                    ) : (
                      canRestore && (
                        <button type="button" className="small" disabled={restore.busy} onClick={() => runRestore(tag)} aria-label={`Restore tag ${tag.name}`}>
                          Restore
                        </button>
                      )
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pagination label="Deleted tag pages" page={page} totalPages={deleted.data.totalPages ?? 1} onPage={(next) => setQuery({ page: next })} />
        </>
      )}
    </>
  );
}
