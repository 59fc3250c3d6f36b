import { useState } from 'react';
import { bulkDeleteTags, deleteRepository, deleteTag, getRepository, listTagPage, mapLimit } from '../api/registry';
import { AccessLevel } from '../api/types';
import { CopyField } from '../components/CopyButton';
import { Breadcrumbs } from '../components/Layout';
import { SearchBox } from '../components/SearchBox';
import { ErrorState, InlineError } from '../components/States';
import { formatBytes, projectHref } from '../components/format';
import { useAction } from '../components/useAction';
import { useAsync } from '../components/useAsync';
import { Link, navigate, setQuery, useLocation } from '../router';
import { useProject } from './ProjectLayout';
import { ConfirmPanel } from '../components/ConfirmPanel';
import { TagTable } from './TagTable';
import { deleteRefusal, filterRegex, TAG_SORTS, tagListView } from './tag-list';
import { matchingLabel, NO_SELECTION, TagSelection, TagSelectionBar } from './TagSelectionBar';

type Confirm = { names: string[] } | { matching: string } | { repository: true };

/**
 * A repository's tags, one server page at a time (one request: names, details and protection): the server
 * filters by name and sorts by name, date or last pull over every tag; the selection is kept across pages, or
 * widened to every matching tag (deleted by the server's bulk delete); single delete for those allowed.
 */
export function RepositoryPage({ repositoryId }: { repositoryId: string }) {
  const { project, accessLevel, canWrite } = useProject();
  const { search } = useLocation();
  const { filter, sort, page, order, query } = tagListView(search);

  const repo = useAsync(() => getRepository(repositoryId), [repositoryId]);
  const tags = useAsync(() => listTagPage(project.id, repositoryId, query), [project.id, repositoryId, filter, page, order.order_by, order.sort]);
  const [selection, setSelection] = useState<TagSelection>(NO_SELECTION);
  const [confirm, setConfirm] = useState<Confirm | null>(null);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<unknown>(null);
  const [message, setMessage] = useState<string | null>(null);

  const rows = tags.data?.items;
  const canDelete = canWrite && accessLevel >= AccessLevel.DEVELOPER;
  // The API adds delete_api_path to a repository only for those who may administer it (Maintainers and above).
  const canBulk = canWrite && (Boolean(repo.data?.delete_api_path) || accessLevel >= AccessLevel.MAINTAINER);
  const picked = selection.kind === 'names' ? selection.names : new Set<string>();
  const selectable = (rows ?? []).filter((row) => deleteRefusal(row, accessLevel) === null);
  const pageAllSelected = selectable.length > 0 && selectable.every((row) => picked.has(row.name));
  const morePages = page > 1 || Boolean(tags.data?.nextPage);
  const toggle = (name: string, on: boolean) =>
    setSelection((previous) => {
      const names = new Set(previous.kind === 'names' ? previous.names : []);
      if (on) names.add(name);
      else names.delete(name);
      return { kind: 'names', names };
    });

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
      if ('matching' in confirm) {
        await bulkDeleteTags(project.id, repositoryId, filterRegex(confirm.matching));
        setMessage(`Deleting the ${matchingLabel(tags.data?.total ?? null, confirm.matching)} in the background; latest and the tags protected from you are kept.`);
      } else {
        // The server's refusal (a protected or immutable tag) is shown as it words it.
        const failures: string[] = [];
        await mapLimit(confirm.names, 4, (name) =>
          deleteTag(project.id, repositoryId, name).catch((error: unknown) => failures.push(`${name} (${error instanceof Error ? error.message : String(error)})`)),
        );
        setMessage(`Deleted ${confirm.names.length - failures.length} of ${confirm.names.length} tag(s).${failures.length ? ` Failed: ${failures.join('; ')}` : ''}`);
      }
      setSelection(NO_SELECTION);
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
          <TagCount repositoryId={repositoryId} total={tags.data?.total} filter={filter} /> · {formatBytes(repo.data.size)} · <CopyField value={repo.data.location} label="image address" />
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
          title={confirmTitle(confirm, path, tags.data?.total ?? null)}
          detail={
            'repository' in confirm
              ? 'Every tag of this image is removed.'
              : 'matching' in confirm
                ? `The server deletes them in the background (bulk delete, name_regex_delete=${filterRegex(confirm.matching)}), keeping latest and the tags protected from you; once an hour per image.`
                : confirm.names.join(', ')
          }
          busy={busy}
          onConfirm={runDelete}
          onCancel={() => setConfirm(null)}
        />
      )}
      <div className="toolbar">
        <SearchBox label="Filter tags" placeholder="Filter by tag name" value={filter} onSearch={(value) => {
            // Picked names stay picked; "every tag matching" meant the old filter's tags.
            setSelection((previous) => (previous.kind === 'matching' ? NO_SELECTION : previous));
            setQuery({ filter: value, page: null });
          }} />
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
      </div>
      {canBulk && (
        <TagSelectionBar
          selection={selection}
          pageAllSelected={pageAllSelected}
          morePages={morePages}
          matching={tags.data?.total ?? null}
          filter={filter}
          onSelectMatching={() => setSelection({ kind: 'matching', filter })}
          onClear={() => setSelection(NO_SELECTION)}
          onDelete={() => setConfirm(selection.kind === 'matching' ? { matching: selection.filter } : { names: [...selection.names] })}
        />
      )}
      {tags.error ? (
        <ErrorState error={tags.error} onRetry={tags.reload} />
      ) : (
        <TagTable
          projectId={project.id}
          repositoryId={repositoryId}
          rows={rows}
          filter={filter}
          selectable={canBulk}
          isSelected={(name) => selection.kind === 'matching' || picked.has(name)}
          onToggle={toggle}
          canDelete={() => canDelete}
          refusal={(row) => deleteRefusal(row, accessLevel)}
          onDelete={(name) => setConfirm({ names: [name] })}
          pages={{ label: 'Tag pages', page, totalPages: tags.data?.totalPages ?? null, hasNext: Boolean(tags.data?.nextPage), onPage: (next) => setQuery({ page: next }) }}
        />
      )}
    </>
  );
}

/**
 * How many tags the list holds, from the tag page's own X-Total (the server counts up to 10 000 matching tags), so
 * that opening a repository never counts all its tags. Past 10 000 and without a filter, "Count" asks for GitLab's
 * exact `tags_count` (it reads every tag: most of a second at a million).
 */
function TagCount({ repositoryId, total, filter }: { repositoryId: string; total: number | null | undefined; filter: string }) {
  const [exact, setExact] = useState<{ repositoryId: string; count: number } | null>(null);
  const counting = useAction();
  if (total === undefined) return <span data-testid="tag-count">… tags</span>;
  if (total !== null || filter) return <span data-testid="tag-count">{matchingLabel(total, filter)}</span>;
  if (exact?.repositoryId === repositoryId) return <span data-testid="tag-count">{exact.count} tags</span>;
  const count = () => counting.run(async () => setExact({ repositoryId, count: (await getRepository(repositoryId, { tagsCount: true })).tags_count ?? 0 }));
  return (
    <span data-testid="tag-count">
      {matchingLabel(null, '')}{' '}
      <button type="button" className="small" onClick={count} disabled={counting.busy} data-testid="count-tags">
        {counting.busy ? 'Counting…' : 'Count'}
      </button>
      {counting.error !== null && <span role="alert"> (could not count: {counting.error instanceof Error ? counting.error.message : String(counting.error)})</span>}
    </span>
  );
}

function confirmTitle(confirm: Confirm, path: string, matching: number | null): string {
  if ('repository' in confirm) return `Delete ${path} and all its tags?`;
  if ('matching' in confirm) return `Delete all ${matchingLabel(matching, confirm.matching)}?`;
  return `Delete ${confirm.names.length} tag(s)?`;
}
