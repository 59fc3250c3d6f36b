import { CopyField } from './CopyButton';

/** A new token's secret: shown once, right after creation, never again. */
export function SecretOnce({ title, secret, username, onDismiss }: { title: string; secret: string; username?: string; onDismiss: () => void }) {
  return (
    <section className="secret-once" role="alert" aria-labelledby="secret-once-title">
      <h3 id="secret-once-title">{title}</h3>
      <p>Copy it now: it is shown only this once and cannot be retrieved later.</p>
      {username && <CopyField value={username} label="username" />}
      <CopyField value={secret} label="token" testId="new-secret" />
      <button type="button" onClick={onDismiss}>
        I have stored it
      </button>
    </section>
  );
}
