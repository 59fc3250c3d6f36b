import { useEffect, useRef } from 'react';

/** An inline confirmation for destructive actions; focus moves to it, Escape cancels. */
export function ConfirmPanel({ title, detail, busy, onConfirm, onCancel }: { title: string; detail?: string; busy: boolean; onConfirm: () => void; onCancel: () => void }) {
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => confirmRef.current?.focus(), []);
  return (
    <div
      className="confirm"
      role="alertdialog"
      aria-labelledby="confirm-title"
      aria-describedby="confirm-detail"
      onKeyDown={(event) => event.key === 'Escape' && onCancel()}
    >
      <h3 id="confirm-title">{title}</h3>
      {detail && <p id="confirm-detail">{detail}</p>}
      <p>This cannot be undone.</p>
      <div className="actions">
        <button type="button" className="danger" ref={confirmRef} onClick={onConfirm} disabled={busy} data-testid="confirm-delete">
          {busy ? 'Deleting…' : 'Delete'}
        </button>
        <button type="button" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
    </div>
  );
}
