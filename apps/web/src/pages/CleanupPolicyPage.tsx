import { FormEvent, useState } from 'react';
import { getAll, isMissingEndpoint } from '../api/client';
import { updateProject } from '../api/projects';
import { getTag, listAllTags, mapLimit } from '../api/registry';
import { AccessLevel, ExpirationPolicy, Repository } from '../api/types';
import { InlineError, Loading, NotAvailable } from '../components/States';
import { useProject } from './ProjectLayout';
import { tagsToDelete } from './cleanup-preview';
import { CleanupRuns } from './CleanupRuns';

const CADENCES = [
  ['1d', 'Every day'],
  ['7d', 'Every week'],
  ['14d', 'Every two weeks'],
  ['1month', 'Every month'],
  ['3month', 'Every three months'],
];
const KEEP_N = [1, 5, 10, 25, 50, 100];
const OLDER_THAN = [
  ['7d', '7 days'],
  ['14d', '14 days'],
  ['30d', '30 days'],
  ['60d', '60 days'],
  ['90d', '90 days'],
];

type Form = Pick<ExpirationPolicy, 'enabled' | 'cadence' | 'keep_n' | 'older_than' | 'name_regex_keep'> & { name_regex_delete: string | null };

/** The project's cleanup policy (GitLab's container_expiration_policy) and a preview of what a run would delete now. */
export function CleanupPolicyPage() {
  const { project, accessLevel, canWrite, reloadProject } = useProject();
  const policy = project.container_expiration_policy;
  if (policy === undefined) return <NotAvailable feature="Cleanup policies" />;
  return <PolicyForm initial={policy} projectId={project.id} editable={canWrite && accessLevel >= AccessLevel.MAINTAINER} onSaved={reloadProject} />;
}

function PolicyForm({ initial, projectId, editable, onSaved }: { initial: ExpirationPolicy | null; projectId: number; editable: boolean; onSaved: () => void }) {
  const [form, setForm] = useState<Form>({
    enabled: initial?.enabled ?? false,
    cadence: initial?.cadence ?? '1d',
    keep_n: initial?.keep_n ?? 10,
    older_than: initial?.older_than ?? '90d',
    name_regex_delete: initial?.name_regex_delete ?? initial?.name_regex ?? '.*',
    name_regex_keep: initial?.name_regex_keep ?? '',
  });
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [unavailable, setUnavailable] = useState(false);
  const set = <K extends keyof Form>(key: K, value: Form[K]) => {
    setSaved(false);
    setForm((previous) => ({ ...previous, [key]: value }));
  };

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    setError(null);
    try {
      await updateProject(projectId, { container_expiration_policy_attributes: { ...form, name_regex_keep: form.name_regex_keep || null } });
      setSaved(true);
      onSaved();
    } catch (failure) {
      if (isMissingEndpoint(failure)) setUnavailable(true);
      else setError(failure);
    } finally {
      setSaving(false);
    }
  };
  if (unavailable) return <NotAvailable feature="Saving cleanup policies" />;

  return (
    <>
      <h2>Cleanup policy</h2>
      <p className="sub">Runs on a schedule and deletes tags that match these rules. The tag latest is never deleted.</p>
      <p className="meta">
        {initial?.source && <span>Policy in force: {initial.source === 'default' ? 'the default (disabled)' : `set on the ${initial.source}`}</span>}
        {initial?.next_run_at && <span>Next run: {new Date(initial.next_run_at).toLocaleString()}</span>}
      </p>
      {!editable && <p className="notice">Only Maintainers can change the cleanup policy.</p>}
      <form className="form" onSubmit={save} aria-label="Cleanup policy">
        <fieldset disabled={!editable || saving}>
          <label className="check">
            <input type="checkbox" checked={form.enabled} onChange={(e) => set('enabled', e.target.checked)} /> Enabled
          </label>
          <label htmlFor="cadence">Run cleanup</label>
          <select id="cadence" value={form.cadence} onChange={(e) => set('cadence', e.target.value)}>
            {CADENCES.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
          <label htmlFor="keep_n">Keep the most recent</label>
          <select id="keep_n" value={form.keep_n ?? ''} onChange={(e) => set('keep_n', e.target.value ? Number(e.target.value) : null)}>
            <option value="">(no minimum)</option>
            {KEEP_N.map((n) => (
              <option key={n} value={n}>
                {n} tag{n === 1 ? '' : 's'} per image
              </option>
            ))}
          </select>
          <label htmlFor="older_than">Remove tags older than</label>
          <select id="older_than" value={form.older_than ?? ''} onChange={(e) => set('older_than', e.target.value || null)}>
            <option value="">(any age)</option>
            {OLDER_THAN.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
          <label htmlFor="regex_delete">Remove tags matching (regular expression)</label>
          <input id="regex_delete" className="mono" value={form.name_regex_delete ?? ''} onChange={(e) => set('name_regex_delete', e.target.value)} />
          <label htmlFor="regex_keep">Keep tags matching (overrides the above)</label>
          <input id="regex_keep" className="mono" value={form.name_regex_keep ?? ''} onChange={(e) => set('name_regex_keep', e.target.value)} />
          <button type="submit" className="primary">
            {saving ? 'Saving…' : 'Save policy'}
          </button>
        </fieldset>
        {saved && (
          <p className="notice" role="status">
            Saved.
          </p>
        )}
        <InlineError error={error} />
      </form>
      <Preview projectId={projectId} form={form} />
      <CleanupRuns projectId={projectId} canRun={editable} />
    </>
  );
}

function Preview({ projectId, form }: { projectId: number; form: Form }) {
  const [result, setResult] = useState<Array<{ repository: Repository; tags: string[]; total: number }> | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      const { items } = await getAll<Repository>(`/projects/${projectId}/registry/repositories`);
      const rows = await mapLimit(items, 2, async (repository) => {
        const tags = (await listAllTags(projectId, repository.id)).items;
        const dated = await mapLimit(tags, 6, (tag) => getTag(projectId, repository.id, tag.name).then((d) => ({ name: tag.name, created_at: d.created_at })));
        return { repository, tags: tagsToDelete(dated, form), total: tags.length };
      });
      setResult(rows);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="preview-title" className="preview">
      <h3 id="preview-title">Preview</h3>
      <p className="sub">Which tags these settings would delete if the policy ran now (computed from the current tags).</p>
      <button type="button" onClick={run} disabled={busy}>
        {busy ? 'Computing…' : 'Preview deletions'}
      </button>
      <InlineError error={error} />
      {busy && <Loading label="Reading tags…" />}
      {result && (
        <div role="status" data-testid="cleanup-preview">
          {result.length === 0 ? (
            <p>There are no images in this project.</p>
          ) : (
            <ul className="plain-list">
              {result.map(({ repository, tags, total }) => (
                <li key={repository.id}>
                  <strong>{repository.path}</strong>: {tags.length} of {total} tag(s) would be deleted
                  {tags.length > 0 && <div className="mono small">{tags.join(', ')}</div>}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
