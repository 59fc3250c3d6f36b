import { formatBytes } from './format';

/** The share of a storage limit at which the bar turns to the warning colour (the API's storage_limit_warning). */
export const WARNING_SHARE = 0.85;

/**
 * Registry storage used against a limit: bytes, percentage and a bar that takes the warning colour from 85 %.
 * Nothing is shown without a limit (`0` or absent: unlimited), since a share of nothing means nothing.
 */
export function UsageBar({ used, limit, label }: { used: number | null | undefined; limit: number | null | undefined; label: string }) {
  if (!limit || limit <= 0) return null;
  const bytes = used ?? 0;
  const share = bytes / limit;
  const warning = share >= WARNING_SHARE;
  const percent = Math.round(share * 1000) / 10;
  return (
    <div className={`usage-bar${warning ? ' warning' : ''}`} data-testid="usage-bar" data-level={warning ? 'warning' : 'ok'}>
      <p>
        <span data-testid="usage-bar-text">
          {formatBytes(bytes)} of {formatBytes(limit)} used ({percent} %)
        </span>
        {warning && <strong> · {share >= 1 ? 'limit reached: pushes of new data are refused' : 'nearly full'}</strong>}
      </p>
      <div className="usage-track" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.min(100, percent)}>
        <div className="usage-fill" style={{ width: `${Math.min(100, percent)}%` }} />
      </div>
    </div>
  );
}
