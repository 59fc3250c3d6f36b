import { useState } from 'react';
import { ApiError, getAll, isMissingEndpoint } from '../api/client';
import { getCleanupPreview, getTag, listAllTags, mapLimit } from '../api/registry';
import type { CleanupPreview, Repository } from '../api/types';
import { Column, DataTable } from '../components/DataTable';
import { InlineError, Loading } from '../components/States';
import { PolicyRules, previewParameters, tagsToDelete } from './cleanup-preview';
import { lastPulled } from './TagTable';

const PREVIEW_TAGS = 100;

type RepositoryPreview =
  | { repository: Repository; kind: 'server'; preview: CleanupPreview }
  | { repository: Repository; kind: 'estimate'; tags: string[]; total: number }
  | { repository: Repository; kind: 'nothing' };

/**
 * What the form's rules would delete now, per image: judged by the server (cleanup_preview with the rules as
 * parameters, the code a run uses, with the rule that keeps each tag); where the server has no preview or does not
 * show it to the caller, a browser estimate with GitLab's rules only.
 */
export function CleanupPreviewPanel({ projectId, rules }: { projectId: number; rules: PolicyRules }) {
  const [result, setResult] = useState<RepositoryPreview[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      const { items } = await getAll<Repository>(`/projects/${projectId}/registry/repositories`);
      setResult(await mapLimit(items, 2, (repository) => previewRepository(projectId, repository, rules)));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="preview-title" className="preview">
      <h3 id="preview-title">Preview</h3>
      <p className="sub">Which tags these settings would delete if the policy ran now, and which rule keeps each tag that stays.</p>
      <button type="button" onClick={run} disabled={busy}>
        {busy ? 'Computing…' : 'Preview deletions'}
      </button>
      <InlineError error={error} />
      {busy && <Loading label="Reading tags…" />}
      {result && (
        <div role="status" data-testid="cleanup-preview">
          {result.length === 0 ? <p>There are no images in this project.</p> : result.map((entry) => <RepositoryResult key={entry.repository.id} entry={entry} />)}
        </div>
      )}
    </section>
  );
}

async function previewRepository(projectId: number, repository: Repository, rules: PolicyRules): Promise<RepositoryPreview> {
  const parameters = previewParameters(rules);
  if (!parameters) return { repository, kind: 'nothing' };
  try {
    return { repository, kind: 'server', preview: await getCleanupPreview(projectId, repository.id, { ...parameters, per_page: PREVIEW_TAGS }) };
  } catch (failure) {
    if (!isMissingEndpoint(failure) && !(failure instanceof ApiError && failure.status === 403)) throw failure;
  }
  const tags = (await listAllTags(projectId, repository.id)).items;
  const dated = await mapLimit(tags, 6, (tag) => getTag(projectId, repository.id, tag.name).then((d) => ({ name: tag.name, created_at: d.created_at })));
  return { repository, kind: 'estimate', tags: tagsToDelete(dated, rules), total: tags.length };
}

function RepositoryResult({ entry }: { entry: RepositoryPreview }) {
  const { repository } = entry;
  if (entry.kind === 'nothing') {
    return (
      <p>
        <strong>{repository.path}</strong>: nothing would be deleted (no regular expression of tags to remove).
      </p>
    );
  }
  if (entry.kind === 'estimate') {
    return (
      <div data-testid={`preview-${repository.path}`}>
        <strong>{repository.path}</strong>: {entry.tags.length} of {entry.total} tag(s) would be deleted (estimated in the browser, pull rules not applied)
        {entry.tags.length > 0 && <div className="mono small">{entry.tags.join(', ')}</div>}
      </div>
    );
  }
  const { preview } = entry;
  return (
    <div data-testid={`preview-${repository.path}`}>
      <p>
        <strong>{repository.path}</strong>: {preview.delete_count} of {preview.tags_count} tag(s) would be deleted
        {preview.tags_count > preview.tags.length && ` (the first ${preview.tags.length} tags by name are listed)`}
      </p>
      {preview.tags.length > 0 && (
        <DataTable
          label={`Cleanup preview of ${repository.path}`}
          columns={PREVIEW_COLUMNS}
          rows={preview.tags}
          rowKey={(tag) => tag.name}
          rowTestId={(tag) => `preview-tag-${tag.name}`}
        />
      )}
    </div>
  );
}

const PREVIEW_COLUMNS: Array<Column<CleanupPreview['tags'][number]>> = [
  { header: 'Tag', cell: (tag) => tag.name },
  { header: 'Would be', testId: 'preview-action', cell: (tag) => (tag.action === 'delete' ? 'deleted' : keptByProtection(tag) ? `kept: ${keptByProtection(tag)}` : 'kept') },
  { header: 'Kept by', className: 'mono', testId: 'preview-kept-by', cell: (tag) => tag.kept_by.join(', ') || '—' },
  { header: 'Last pulled', cell: (tag) => lastPulled(tag) },
  { header: 'Pulls', cell: (tag) => tag.pull_count },
];

/** A run never deletes a tag a protection rule covers (it judges at level 0): the preview says so. */
function keptByProtection(tag: CleanupPreview['tags'][number]): string | undefined {
  return tag.kept_by.find((reason) => reason === 'protected' || reason === 'immutable');
}
