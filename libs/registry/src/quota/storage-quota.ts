/**
 * Registry storage limits, as pure rules over the facts one statement reads (QuotaRepository.facts).
 *
 * A push brings bytes into a project; every namespace that limits it (the project itself, each ancestor group with a
 * limit) must have room for them. Bytes already stored anywhere in the same top-level namespace cost nothing (a
 * mount, a re-push, a layer shared with a sibling project): `needed` is 0 for them and no check applies.
 */

/** Usage at or above this share of a limit is reported once, when a push crosses it. */
export const STORAGE_WARNING_RATIO = 0.85;

export interface LimitedNamespace {
  kind: 'project' | 'group';
  id: number;
  fullPath: string;
  /** Bytes, > 0. */
  limit: number;
  /** Deduplicated bytes stored below it now (committed pushes only). */
  used: number;
}

export interface QuotaVerdict {
  /** The first namespace (project first, then groups upwards) the push would take over its limit. */
  refusedBy: LimitedNamespace | null;
  /** Namespaces whose usage the push takes from below the warning ratio to at or above it. */
  crossed: LimitedNamespace[];
}

export function judgePush(namespaces: LimitedNamespace[], needed: number): QuotaVerdict {
  if (needed <= 0) return { refusedBy: null, crossed: [] };
  const refusedBy = namespaces.find((ns) => ns.used + needed > ns.limit) ?? null;
  if (refusedBy) return { refusedBy, crossed: [] };
  const crossed = namespaces.filter((ns) => ns.used < ns.limit * STORAGE_WARNING_RATIO && ns.used + needed >= ns.limit * STORAGE_WARNING_RATIO);
  return { refusedBy: null, crossed };
}

/** The /v2/ error's detail, as the issue and docs/api.md name it. */
export function refusalDetail(ns: LimitedNamespace, needed: number) {
  return { limit: ns.limit, used: ns.used, needed, namespace: ns.fullPath, namespace_kind: ns.kind };
}

export function refusalMessage(ns: LimitedNamespace, needed: number): string {
  return `storage limit of ${ns.kind} ${ns.fullPath} exceeded: ${ns.used} of ${ns.limit} bytes used, this push needs ${needed} more`;
}
