import { useEffect, useMemo, useState } from 'react';
import { deleteRepository, deleteTag, getRepository, getTag, listAllTags, mapLimit } from '../api/registry';
import { AccessLevel } from '../api/types';
import { CopyField } from '../components/CopyButton';
import { Breadcrumbs } from '../components/Layout';
import { pageOf } from '../components/DataTable';
import { SearchBox } from '../components/SearchBox';
import { ErrorState, InlineError } from '../components/States';
import { formatBytes, projectHref } from '../components/format';
import { useAsync } from '../components/useAsync';
import { Link, navigate, setQuery, useLocation } from '../router';
import { useProject } from './ProjectLayout';
import { ConfirmPanel } from '../components/ConfirmPanel';
import { TagTable } from './TagTable';
import { deleteRefusal, parseSort, serverOrder, TAG_SORTS, TagRow, visibleTags } from './tag-list';

const PER_PAGE = 20;

/** A repository's tags: filter, sort by name, date or last pull, pages, and (for those allowed) single and bulk delete. */
export function RepositoryPage({ repositoryId }: { repositoryId: string }) {
  const { project, accessLevel, canWrite } = useProject();
  const { search } = useLocation();
  const filter = search.get('filter') ?? '';
  const sort = parseSort(search.get('sort'));
  const page = Number(search.get('page') ?? '1') || 1;

  const repo = useAsync(() => getRepository(repositoryId), [repositoryId]);
  const order = serverOrder(sort);
  const tags = useAsync(() => listAllTags(project.id, repositoryId, order), [project.id, repositoryId, order.order_by, order.sort]);
  const [details, setDetails] = useState<Record<string, Partial<TagRow>>>({});
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [confirm, setConfirm] = useState<{ names: string[] } | { repository: true } | null>(null);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<unknown>(null);
  const [message, setMessage] = useState<string | null>(null);

  // Details (digest, size, date) arrive per tag; the list shows names at once and fills in.
  useEffect(() => {
    if (!tags.data) return;
    let live = true;
    setDetails({});
    void mapLimit(tags.data.items, 6, async (tag) => {
      const entry = await getTag(project.id, repositoryId, tag.name).then(
        (d) => d as Partial<TagRow>,
        () => ({ detailsError: true }),
      );
      if (live) setDetails((previous) => ({ ...previous, [tag.name]: entry }));
    });
    return () => {
      live = false;
    };
  }, [tags.data, project.id, repositoryId]);

  const rows: TagRow[] = useMemo(() => (tags.data?.items ?? []).map((tag) => ({ ...tag, ...details[tag.name] })), [tags.data, details]);
  const shown = useMemo(() => visibleTags(rows, filter, sort), [rows, filter, sort]);
  const current = pageOf(shown, page, PER_PAGE);
  const canDelete = canWrite && accessLevel >= AccessLevel.DEVELOPER;
  // The API adds delete_api_path to a repository only for those who may administer it (Maintainers and above).
  const canBulk = canWrite && (Boolean(repo.data?.delete_api_path) || accessLevel >= AccessLevel.MAINTAINER);

  const runDelete = async () => {
    if (!confirm) return;
    setBusy(true);
    setActionError(null);
    try {
      if ('repository' in confirm) {
        await deleteRepository(project.id, repositoryId);
        navigate(projectHref(project.id, 'registry'));
        return;
      }
      // The server's refusal (a protected or immutable tag) is shown as it words it.
      const failures: string[] = [];
      await mapLimit(confirm.names, 4, (name) =>
        deleteTag(project.id, repositoryId, name).catch((error: unknown) => failures.push(`${name} (${error instanceof Error ? error.message : String(error)})`)),
      );
      setMessage(`Deleted ${confirm.names.length - failures.length} of ${confirm.names.length} tag(s).${failures.length ? ` Failed: ${failures.join('; ')}` : ''}`);
      setSelected(new Set());
      tags.reload();
      repo.reload();
    } catch (error) {
      setActionError(error);
    } finally {
      setBusy(false);
      setConfirm(null);
    }
  };

  if (repo.error) return <ErrorState error={repo.error} onRetry={repo.reload} />;
  const path = repo.data?.path ?? `repository ${repositoryId}`;
  return (
    <>
      <Breadcrumbs items={[{ label: 'Container registry', href: projectHref(project.id, 'registry') }, { label: path }]} />
      <div className="section-head">
        <h2 data-testid="repository-title">{path}</h2>
        {canBulk && (
          <button type="button" className="danger" onClick={() => setConfirm({ repository: true })}>
            Delete image repository
          </button>
        )}
      </div>
      {repo.data && (
        <p className="meta">
          {repo.data.tags_count ?? rows.length} tag(s) · {formatBytes(repo.data.size)} · <CopyField value={repo.data.location} label="image address" />
          {accessLevel >= AccessLevel.DEVELOPER && (
            <>
              {' · '}
              <Link href={projectHref(project.id, 'registry', repositoryId, 'deleted')}>Recently deleted</Link>
            </>
          )}
        </p>
      )}
      {message && (
        <p className="notice" role="status">
          {message}
        </p>
      )}
      <InlineError error={actionError} />
      {confirm && (
        <ConfirmPanel
          title={'repository' in confirm ? `Delete ${path} and all its tags?` : `Delete ${confirm.names.length} tag(s)?`}
          detail={'repository' in confirm ? 'Every tag of this image is removed.' : confirm.names.join(', ')}
          busy={busy}
          onConfirm={runDelete}
          onCancel={() => setConfirm(null)}
        />
      )}
      <div className="toolbar">
        <SearchBox label="Filter tags" placeholder="Filter by tag name" value={filter} onSearch={(value) => setQuery({ filter: value, page: null })} />
        <label className="inline">
          Sort by{' '}
          <select value={sort} onChange={(event) => setQuery({ sort: event.target.value, page: null })}>
            {TAG_SORTS.map(([key, label]) => (
              <option key={key} value={key}>
                {label}
              </option>
            ))}
          </select>
        </label>
        {canBulk && selected.size > 0 && (
          <button type="button" className="danger" onClick={() => setConfirm({ names: [...selected] })} data-testid="delete-selected">
            Delete selected ({selected.size})
          </button>
        )}
      </div>
      {tags.error ? (
        <ErrorState error={tags.error} onRetry={tags.reload} />
      ) : (
        <>
          {tags.data?.truncated && <p className="notice">Showing the first {rows.length} tags.</p>}
          <TagTable
            projectId={project.id}
            repositoryId={repositoryId}
            rows={tags.data ? current.rows : undefined}
            filter={filter}
            selectable={canBulk}
            selected={selected}
            onToggle={(name, on) =>
              setSelected((previous) => {
                const next = new Set(previous);
                if (on) next.add(name);
                else next.delete(name);
                return next;
              })
            }
            canDelete={() => canDelete}
            refusal={(row) => deleteRefusal(row, accessLevel)}
            onDelete={(name) => setConfirm({ names: [name] })}
            pages={{ label: 'Tag pages', page: current.page, totalPages: current.totalPages, onPage: (next) => setQuery({ page: next }) }}
          />
        </>
      )}
    </>
  );
}
