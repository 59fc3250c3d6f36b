import { ReactNode } from 'react';
import { ApiError } from '../api/client';
import { Link } from '../router';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="state loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {label}
    </p>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state empty" role="status">
      <h3>{title}</h3>
      {children}
    </div>
  );
}

/** A 403 or 404 or any failure: always a message and a way back, never a blank page. */
export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const status = error instanceof ApiError ? error.status : 0;
  const title =
    status === 404
      ? 'Not found'
      : status === 403
        ? 'You do not have access to this'
        : status === 401
          ? 'Your session has ended'
          : 'Something went wrong';
  const detail =
    status === 404
      ? 'It does not exist, or you are not allowed to see it.'
      : status === 403
        ? 'Ask a Maintainer of the project for a role that allows it.'
        : error instanceof Error
          ? error.message
          : String(error);
  return (
    <div className="state error" role="alert">
      <h3>{title}</h3>
      <p>{detail}</p>
      <p className="actions">
        {onRetry && status !== 403 && status !== 404 && (
          <button type="button" onClick={onRetry}>
            Try again
          </button>
        )}
        <Link href="/">Back to projects</Link>
      </p>
    </div>
  );
}

/** For features whose API is not there yet (the server answers 404 for the endpoint itself). */
export function NotAvailable({ feature }: { feature: string }) {
  return (
    <div className="state unavailable" role="status" data-testid="not-available">
      <h3>{feature}: not available yet</h3>
      <p>This server does not offer {feature.toLowerCase()} through its API yet. The page will work once it does.</p>
    </div>
  );
}

export function InlineError({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p className="inline-error" role="alert">
      {error instanceof Error ? error.message : String(error)}
    </p>
  );
}
