import { useState } from 'react';
import { createRule, deleteRule, listRules, RepositoryRule, RuleInput, RuleKind, TagRule, updateRule } from '../api/protection';
import { AccessLevel } from '../api/types';
import { ConfirmPanel } from '../components/ConfirmPanel';
import { EmptyState, ErrorState, InlineError, Loading } from '../components/States';
import { useAsync } from '../components/useAsync';
import { useAction } from '../components/useAction';
import { useProject } from './ProjectLayout';
import { levelLabel, ProtectionRuleForm } from './ProtectionRuleForm';

/** GitLab's limit of tag protection rules per project (the API answers 422 beyond it). */
const MAX_TAG_RULES = 5;

/** "Protected tags": the project's tag protection rules (immutable ones included) and repository protection rules. */
export function ProtectionPage() {
  const { project, accessLevel, canWrite } = useProject();
  if (accessLevel < AccessLevel.MAINTAINER) {
    return <EmptyState title="Protected tags are managed by Maintainers">Ask a Maintainer of the project to change who may push and delete its tags.</EmptyState>;
  }
  const editable = canWrite;
  return (
    <>
      <h2>Protected tags</h2>
      <p className="sub">
        Who may push (create or move) and delete the tags and images of {project.path_with_namespace}. Where several rules match, the most restrictive wins. Deploy
        tokens and CI jobs count as Developers.
      </p>
      <RuleSection kind="tag" editable={editable} />
      <RuleSection kind="repository" editable={editable} />
    </>
  );
}

type AnyRule = TagRule | RepositoryRule;

const patternOf = (rule: AnyRule) => ('tag_name_pattern' in rule ? rule.tag_name_pattern : rule.repository_path_pattern);
const isImmutable = (rule: AnyRule) => 'immutable' in rule && rule.immutable;
const inputOf = (rule: AnyRule): RuleInput => ({ pattern: patternOf(rule), push: rule.minimum_access_level_for_push ?? '', delete: rule.minimum_access_level_for_delete ?? '' });

const TITLES: Record<RuleKind, [title: string, what: string]> = {
  tag: ['Tag protection rules', 'Tags whose name matches a rule can be pushed or deleted only by the roles it names; an immutable rule lets nobody move or delete them.'],
  repository: ['Repository protection rules', 'Images whose path matches a rule can be pushed to or deleted only by the roles it names.'],
};

function RuleSection({ kind, editable }: { kind: RuleKind; editable: boolean }) {
  const { project } = useProject();
  const rules = useAsync<AnyRule[]>(() => listRules(project.id, kind), [project.id, kind]);
  // A new key after each creation gives the next rule an empty form.
  const [created, setCreated] = useState(0);
  const [editing, setEditing] = useState<AnyRule | null>(null);
  const [removing, setRemoving] = useState<AnyRule | null>(null);
  const remove = useAction();
  const [title, what] = TITLES[kind];
  const headingId = `${kind}-rules-title`;
  const count = rules.data?.length ?? 0;
  const full = kind === 'tag' && count >= MAX_TAG_RULES;

  const confirmRemove = () =>
    void remove.run(async () => {
      const rule = removing!;
      setRemoving(null);
      await deleteRule(project.id, kind, rule.id);
      rules.reload();
    });

  return (
    <section aria-labelledby={headingId} data-testid={`${kind}-rules`}>
      <h3 id={headingId}>{title}</h3>
      <p className="sub">
        {what}
        {kind === 'tag' && (
          <span data-testid="tag-rule-count">
            {' '}
            {count} of {MAX_TAG_RULES} rules used.
          </span>
        )}
      </p>
      {rules.error ? (
        <ErrorState error={rules.error} onRetry={rules.reload} />
      ) : !rules.data ? (
        <Loading label="Loading rules…" />
      ) : rules.data.length === 0 ? (
        <p className="hint">No {kind} protection rules.</p>
      ) : (
        <table className="list" aria-labelledby={headingId}>
          <thead>
            <tr>
              <th scope="col">Pattern</th>
              <th scope="col">Push</th>
              <th scope="col">Delete</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rules.data.map((rule) => (
              <tr key={rule.id} data-testid={`${kind}-rule-${patternOf(rule)}`}>
                <td className="mono">
                  {patternOf(rule)}
                  {isImmutable(rule) && <span className="badge immutable">Immutable</span>}
                </td>
                <td data-testid="rule-push">{isImmutable(rule) ? 'Nobody (immutable)' : levelLabel(rule.minimum_access_level_for_push)}</td>
                <td data-testid="rule-delete">{isImmutable(rule) ? 'Nobody (immutable)' : levelLabel(rule.minimum_access_level_for_delete)}</td>
                <td className="actions">
                  {editable && (
                    <>
                      <button type="button" className="small" onClick={() => setEditing(rule)} aria-label={`Edit rule ${patternOf(rule)}`}>
                        Edit
                      </button>{' '}
                      <button type="button" className="danger small" onClick={() => setRemoving(rule)} aria-label={`Delete rule ${patternOf(rule)}`}>
                        Delete
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <InlineError error={remove.error} />
      {removing && (
        <ConfirmPanel
          title={`Delete the rule ${patternOf(removing)}?`}
          detail={isImmutable(removing) ? 'Removing an immutable rule needs Owner.' : 'Matching tags and images lose this protection.'}
          busy={remove.busy}
          onConfirm={confirmRemove}
          onCancel={() => setRemoving(null)}
        />
      )}
      {editing && (
        <div className="edit-panel">
          <h4>Edit rule {patternOf(editing)}</h4>
          <ProtectionRuleForm
            key={editing.id}
            kind={kind}
            idPrefix={`${kind}-rule-edit`}
            initial={inputOf(editing)}
            submitLabel="Save rule"
            onCancel={() => setEditing(null)}
            onSubmit={async (input) => {
              await updateRule(project.id, kind, editing.id, input);
              setEditing(null);
              rules.reload();
            }}
          />
        </div>
      )}
      {editable &&
        (full ? (
          <p className="notice" data-testid="tag-rule-limit">
            This project has the most tag protection rules allowed ({MAX_TAG_RULES}). Edit or delete one to add another.
          </p>
        ) : (
          <details className="create">
            <summary>Add a {kind} protection rule</summary>
            <ProtectionRuleForm
              key={created}
              kind={kind}
              idPrefix={`${kind}-rule-new`}
              submitLabel="Add rule"
              onSubmit={async (input) => {
                await createRule(project.id, kind, input);
                setCreated((n) => n + 1);
                rules.reload();
              }}
            />
          </details>
        ))}
    </section>
  );
}
