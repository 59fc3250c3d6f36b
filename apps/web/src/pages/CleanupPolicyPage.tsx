import { FormEvent, useState } from 'react';
import { isMissingEndpoint } from '../api/client';
import { updateProject } from '../api/projects';
import { AccessLevel, ExpirationPolicy } from '../api/types';
import { InlineError, NotAvailable } from '../components/States';
import { useProject } from './ProjectLayout';
import { KEEP_N_RECENTLY_PULLED, KEEP_PULLED_WITHIN, keepNRecentlyPulledProblem, PolicyRules } from './cleanup-preview';
import { CleanupPreviewPanel } from './CleanupPreviewPanel';
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

/** keep_n_recently_pulled is kept as typed, so the field can say what is wrong with it before saving. */
type Form = Pick<ExpirationPolicy, 'enabled' | 'cadence'> & Omit<PolicyRules, 'keep_n_recently_pulled'> & { keep_n_recently_pulled: string };

function formRules(form: Form): PolicyRules {
  const keep = form.keep_n_recently_pulled.trim();
  return {
    keep_n: form.keep_n,
    older_than: form.older_than,
    name_regex_delete: form.name_regex_delete,
    name_regex_keep: form.name_regex_keep || null,
    keep_n_recently_pulled: keep === '' || keepNRecentlyPulledProblem(keep) ? null : Number(keep),
    keep_pulled_within: form.keep_pulled_within,
  };
}

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
    // A saved null (no such rule, e.g. a policy keeping by pulls alone) stays null; GitLab's defaults only for a new policy.
    keep_n: initial ? initial.keep_n : 10,
    older_than: initial ? initial.older_than : '90d',
    name_regex_delete: initial?.name_regex_delete ?? initial?.name_regex ?? '.*',
    name_regex_keep: initial?.name_regex_keep ?? '',
    keep_n_recently_pulled: initial?.keep_n_recently_pulled ? String(initial.keep_n_recently_pulled) : '',
    keep_pulled_within: initial?.keep_pulled_within ?? null,
  });
  const keepPulledProblem = keepNRecentlyPulledProblem(form.keep_n_recently_pulled);
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
    if (keepPulledProblem) return;
    setSaving(true);
    setError(null);
    try {
      await updateProject(projectId, { container_expiration_policy_attributes: { enabled: form.enabled, cadence: form.cadence, ...formRules(form) } });
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
      <p className="sub">
        Runs on a schedule and deletes tags that match these rules. The tag latest is never deleted. A matching tag kept by any keep rule (most recent, newer than the
        age, most recently pulled, pulled within) stays.
      </p>
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
          <label htmlFor="keep_n_recently_pulled">Keep the most recently pulled (tags per image)</label>
          <input
            id="keep_n_recently_pulled"
            type="number"
            min={KEEP_N_RECENTLY_PULLED.min}
            max={KEEP_N_RECENTLY_PULLED.max}
            step={1}
            placeholder="(no rule)"
            aria-invalid={keepPulledProblem ? true : undefined}
            aria-describedby={keepPulledProblem ? 'keep_n_recently_pulled_problem' : undefined}
            value={form.keep_n_recently_pulled}
            onChange={(e) => set('keep_n_recently_pulled', e.target.value)}
          />
          {keepPulledProblem && (
            <p className="inline-error" id="keep_n_recently_pulled_problem">
              {keepPulledProblem}
            </p>
          )}
          <label htmlFor="keep_pulled_within">Keep tags pulled within</label>
          <select id="keep_pulled_within" value={form.keep_pulled_within ?? ''} onChange={(e) => set('keep_pulled_within', e.target.value || null)}>
            <option value="">(no rule)</option>
            {KEEP_PULLED_WITHIN.map((value) => (
              <option key={value} value={value}>
                {value.replace('d', ' days')}
              </option>
            ))}
          </select>
          <label htmlFor="regex_delete">Remove tags matching (regular expression)</label>
          <input id="regex_delete" className="mono" value={form.name_regex_delete ?? ''} onChange={(e) => set('name_regex_delete', e.target.value)} />
          <label htmlFor="regex_keep">Keep tags matching (overrides the above)</label>
          <input id="regex_keep" className="mono" value={form.name_regex_keep ?? ''} onChange={(e) => set('name_regex_keep', e.target.value)} />
          <button type="submit" className="primary" disabled={Boolean(keepPulledProblem)}>
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
      <CleanupPreviewPanel projectId={projectId} rules={formRules(form)} />
      <CleanupRuns projectId={projectId} canRun={editable} />
    </>
  );
}
