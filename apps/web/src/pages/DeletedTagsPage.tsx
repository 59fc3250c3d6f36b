import { useState } from 'react';
import { getRepository } from '../api/registry';
import { listDeletedTags, restoreTag } from '../api/deleted-tags';
import type { DeletedTag } from '../api/types';
import { AccessLevel } from '../api/types';
import { Breadcrumbs } from '../components/Layout';
import { Column, DataTable } from '../components/DataTable';
import { EmptyState, ErrorState, InlineError } from '../components/States';
import { formatDate, projectHref, shortDigest } from '../components/format';
import { useAction } from '../components/useAction';
import { useAsync } from '../components/useAsync';
import { setQuery, useLocation } from '../router';
import { useProject } from './ProjectLayout';

const PER_PAGE = 20;
const COLUMNS: Array<Column<DeletedTag>> = [
  { header: 'Tag', cell: (tag) => tag.name },
  { header: 'Digest', className: 'hide-narrow mono', cell: (tag) => shortDigest(tag.digest) },
  {
    header: 'Deleted',
    cell: (tag) => (
      <>
        {formatDate(tag.deleted_at)}
        <div className="sub">{HOW[tag.how]}</div>
      </>
    ),
  },
  { header: 'By', className: 'hide-narrow', cell: (tag) => tag.deleted_by_username ?? (tag.deleted_by_type ? `${tag.deleted_by_type} ${tag.deleted_by}` : 'system') },
  { header: 'Restorable until', cell: (tag) => formatDate(tag.restorable_until) },
];

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
      ) : (
        <DataTable
          label="Deleted tags"
          testId="deleted-tags"
          columns={[
            ...COLUMNS,
            {
              header: 'Actions',
              hideHeader: true,
              className: 'actions',
              cell: (tag) =>
                tag.restore_blocked_by ? (
                  <span className="sub">{BLOCKED[tag.restore_blocked_by]}</span>
                ) : (
                  canRestore && (
                    <button type="button" className="small" disabled={restore.busy} onClick={() => runRestore(tag)} aria-label={`Restore tag ${tag.name}`}>
                      Restore
                    </button>
                  )
                ),
            },
          ]}
          rows={deleted.data?.items}
          rowKey={(tag) => tag.id}
          rowTestId={(tag) => `deleted-tag-row-${tag.name}`}
          loadingLabel="Loading deleted tags…"
          empty={<EmptyState title="No recently deleted tags" />}
          pages={{ label: 'Deleted tag pages', page, totalPages: deleted.data?.totalPages ?? 1, onPage: (next) => setQuery({ page: next }) }}
        />
      )}
    </>
  );
}
