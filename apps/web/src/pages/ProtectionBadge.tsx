import { protectionSummary, type TagRow } from './tag-list';

/** "Protected" or "Immutable" beside a tag a rule covers; the tooltip names the effective roles. */
export function ProtectionBadge({ row }: { row: Pick<TagRow, 'protection'> }) {
  if (!row.protection) return null;
  return (
    <span className={`badge ${row.protection.immutable ? 'immutable' : 'protected'}`} title={protectionSummary(row)} data-testid="protection-badge">
      {row.protection.immutable ? 'Immutable' : 'Protected'}
    </span>
  );
}
