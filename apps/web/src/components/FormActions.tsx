import { InlineError } from './States';

/** The end of an edit form: what the server refused, the submit button and, when the form can be closed, Cancel. */
export function FormActions({ error, busy, submitLabel, disabled = false, onCancel }: { error: unknown; busy: boolean; submitLabel: string; disabled?: boolean; onCancel?: () => void }) {
  return (
    <>
      <InlineError error={error} />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy || disabled}>
          {submitLabel}
        </button>
        {onCancel && (
          <button type="button" onClick={onCancel} disabled={busy}>
            Cancel
          </button>
        )}
      </div>
    </>
  );
}
