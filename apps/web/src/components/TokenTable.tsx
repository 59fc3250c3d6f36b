import { Column, DataTable } from './DataTable';
import { formatDate } from './format';

interface TokenRow {
  id: number;
  name: string;
  revoked?: boolean;
  expires_at: string | null;
}

/** Scopes, expiry and last use: the columns personal and project access tokens share. */
export function accessTokenColumns<T extends TokenRow & { scopes: string[]; active: boolean; last_used_at?: string | null }>(): Array<Column<T>> {
  return [
    { header: 'Scopes', cell: (token) => token.scopes.join(', ') },
    { header: 'Expires', cell: (token) => expiryLabel(token, !token.active) },
    { header: 'Last used', cell: (token) => formatDate(token.last_used_at), className: 'hide-narrow' },
  ];
}

/** What the Expires column says: revoked, expired, the date, or never. */
export function expiryLabel(token: TokenRow, expired: boolean | undefined): string {
  if (token.revoked) return 'revoked';
  if (expired) return 'expired';
  return token.expires_at ? formatDate(token.expires_at) : 'never';
}

/**
 * The token lists (personal, project access, deploy): a name column, the kind's own columns, and a Revoke button on
 * the tokens that still work; "Loading" until `tokens` is there, an empty state when there are none. `kind` names
 * the token in the table's and the buttons' accessible labels and in the empty state.
 */
export function TokenTable<T extends TokenRow>({
  kind,
  label = `${kind[0].toUpperCase()}${kind.slice(1)}s`,
  tokens,
  columns,
  canRevoke,
  onRevoke,
}: {
  kind: string;
  /** The table's accessible name; "<Kind>s" by default. */
  label?: string;
  tokens: T[] | undefined;
  columns: Array<Column<T>>;
  canRevoke: (token: T) => boolean;
  onRevoke: (token: T) => void;
}) {
  return (
    <DataTable
      label={label}
      columns={[
        { header: 'Name', cell: (token) => token.name },
        ...columns,
        {
          header: 'Actions',
          hideHeader: true,
          className: 'actions',
          cell: (token) =>
            canRevoke(token) && (
              <button type="button" className="danger small" onClick={() => onRevoke(token)} aria-label={`Revoke ${kind} ${token.name}`}>
                Revoke
              </button>
            ),
        },
      ]}
      rows={tokens}
      rowKey={(token) => token.id}
    />
  );
}
