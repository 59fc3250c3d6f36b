import { FormEvent, useState } from 'react';
import type { RuleInput, RuleKind } from '../api/protection';
import type { ProtectionLevel } from '../api/types';
import { FormActions } from '../components/FormActions';
import { useAction } from '../components/useAction';

const LEVELS: Array<[ProtectionLevel | '', string]> = [
  ['', 'No restriction'],
  ['maintainer', 'Maintainer'],
  ['owner', 'Owner'],
  ['admin', 'Administrator'],
];

export function levelLabel(level: ProtectionLevel | null): string {
  return LEVELS.find(([value]) => value === (level ?? ''))?.[1] ?? String(level);
}

interface Props {
  kind: RuleKind;
  /** The form's values to start from (a rule being edited), else empty. */
  initial?: RuleInput;
  submitLabel: string;
  /** Ids stay unique when a create and an edit form are on the page together. */
  idPrefix: string;
  onSubmit: (input: RuleInput) => Promise<void>;
  onCancel?: () => void;
}

/**
 * One rule's fields: the pattern with what it matches, the two levels and, for tag rules, "Immutable" (GitLab's
 * representation: both levels unset). What the server refuses (a taken pattern, an invalid RE2 expression, the
 * limit, a level above the caller's own) is shown under the fields as the API words it.
 */
export function ProtectionRuleForm({ kind, initial, submitLabel, idPrefix, onSubmit, onCancel }: Props) {
  const [pattern, setPattern] = useState(initial?.pattern ?? '');
  const [push, setPush] = useState<ProtectionLevel | ''>(initial?.push ?? 'maintainer');
  const [remove, setRemove] = useState<ProtectionLevel | ''>(initial?.delete ?? 'maintainer');
  const [immutable, setImmutable] = useState(kind === 'tag' && initial !== undefined && !initial.push && !initial.delete);
  const { busy, error, run } = useAction();
  const id = (field: string) => `${idPrefix}-${field}`;
  const noLevel = kind === 'repository' && !push && !remove;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(() => onSubmit({ pattern: pattern.trim(), push: immutable ? '' : push, delete: immutable ? '' : remove }));
  };
  return (
    <form className="form" onSubmit={submit} data-testid={`${idPrefix}-form`}>
      <label htmlFor={id('pattern')}>{kind === 'tag' ? 'Tag name pattern' : 'Repository path pattern'}</label>
      <input id={id('pattern')} required maxLength={kind === 'tag' ? 100 : 255} className="mono" value={pattern} onChange={(e) => setPattern(e.target.value)} aria-describedby={id('pattern-help')} />
      <p className="hint" id={id('pattern-help')}>
        {kind === 'tag' ? (
          <>
            An RE2 regular expression. As in GitLab it matches <strong>any part</strong> of the tag name: <code>v</code> covers <code>dev</code> too,
            and <code>v*</code> covers every tag. Anchor it to match whole names: <code>^v\d+\.\d+\.\d+$</code>, <code>^latest$</code>,{' '}
            <code>^release-</code>.
          </>
        ) : (
          <>
            The full image path, starting with this project&apos;s path; <code>*</code> matches any characters, e.g. <code>group/project/prod/*</code>.
          </>
        )}
      </p>
      {kind === 'tag' && (
        <label className="check">
          <input type="checkbox" checked={immutable} onChange={(e) => setImmutable(e.target.checked)} /> Immutable: once a matching tag exists, nobody (administrators
          included) may point it at another image or delete it; removing this rule needs Owner
        </label>
      )}
      <label htmlFor={id('push')}>Minimum role to push</label>
      <select id={id('push')} value={immutable ? '' : push} disabled={immutable} onChange={(e) => setPush(e.target.value as ProtectionLevel | '')}>
        {LEVELS.map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
      <label htmlFor={id('delete')}>Minimum role to delete</label>
      <select id={id('delete')} value={immutable ? '' : remove} disabled={immutable} onChange={(e) => setRemove(e.target.value as ProtectionLevel | '')}>
        {LEVELS.map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
      {kind === 'tag' && !immutable && !push && !remove && <p className="hint">With neither role set, the rule is an immutable rule.</p>}
      {noLevel && <p className="hint">A repository rule needs at least one of the two roles.</p>}
      <FormActions error={error} busy={busy} submitLabel={submitLabel} disabled={noLevel} onCancel={onCancel} />
    </form>
  );
}
