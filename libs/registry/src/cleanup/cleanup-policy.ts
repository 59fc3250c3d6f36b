/** GitLab's allowed values for a container registry cleanup policy (container_expiration_policy). */
export const CADENCES = ['1d', '7d', '14d', '1month', '3month'] as const;
export const KEEP_N_VALUES = [1, 5, 10, 25, 50, 100] as const;
export const OLDER_THAN_VALUES = ['7d', '14d', '30d', '60d', '90d'] as const;
/**
 * Retention by use (ours, as Harbor and ECR offer it): any count from 1 to 100 of most recently pulled tags (GitLab's
 * keep_n choices are among them), and four windows (Harbor's and ECR's common ones).
 */
export const KEEP_N_RECENTLY_PULLED_RANGE = { min: 1, max: 100 } as const;
export const KEEP_PULLED_WITHIN_VALUES = ['7d', '14d', '30d', '90d'] as const;

export type Cadence = (typeof CADENCES)[number];
export type PolicyTarget = { kind: 'project'; id: number } | { kind: 'group'; id: number } | { kind: 'repository'; id: number };

export interface CleanupPolicyRules {
  enabled: boolean;
  cadence: Cadence;
  keepN: number | null;
  olderThan: string | null;
  nameRegex: string | null;
  nameRegexKeep: string | null;
  /** Keep the N matching tags pulled most recently. */
  keepNRecentlyPulled: number | null;
  /** Keep every matching tag pulled within this window. */
  keepPulledWithin: string | null;
}

export interface CleanupPolicy extends CleanupPolicyRules {
  id: number;
  target: PolicyTarget;
  nextRunAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** GitLab's defaults for a project that never set a policy (disabled). */
export const DEFAULT_POLICY_RULES: CleanupPolicyRules = {
  enabled: false,
  cadence: '1d',
  keepN: 10,
  olderThan: '90d',
  nameRegex: '.*',
  nameRegexKeep: null,
  keepNRecentlyPulled: null,
  keepPulledWithin: null,
};

/** When a policy with this cadence runs next, counted from `from`. Calendar months, as GitLab does. */
export function nextRunAt(cadence: Cadence, from: Date): Date {
  const next = new Date(from.getTime());
  switch (cadence) {
    case '1d':
      next.setUTCDate(next.getUTCDate() + 1);
      break;
    case '7d':
      next.setUTCDate(next.getUTCDate() + 7);
      break;
    case '14d':
      next.setUTCDate(next.getUTCDate() + 14);
      break;
    case '1month':
      next.setUTCMonth(next.getUTCMonth() + 1);
      break;
    case '3month':
      next.setUTCMonth(next.getUTCMonth() + 3);
      break;
  }
  return next;
}
