/** GitLab's event `action` filter values (Event.actions). */
export const EVENT_ACTIONS = ['created', 'updated', 'closed', 'reopened', 'pushed', 'commented', 'merged', 'joined', 'left', 'destroyed', 'expired', 'approved'] as const;
export type EventAction = (typeof EVENT_ACTIONS)[number];

/** GitLab's event `target_type` filter values. No registry event has one (as GitLab's push events have none). */
export const EVENT_TARGET_TYPES = ['issue', 'milestone', 'merge_request', 'note', 'project', 'snippet', 'user', 'wiki', 'design'] as const;
export type EventTargetType = (typeof EVENT_TARGET_TYPES)[number];

/** How a registry event of the audit trail reads as a GitLab event: a push to, or a deletion from, the project. */
export interface RegistryEventAction {
  action: EventAction;
  /** GitLab's `action_name`. */
  actionName: string;
  /** GitLab's `push_data.action` for push-like events; null for the others. */
  pushAction: 'pushed' | 'removed' | null;
}

/**
 * The registry events the feed shows, as GitLab names a push: an image pushed is a push to a ref (the tag), a tag
 * or manifest deleted is a deleted ref, a repository deleted is a destroyed thing. Cleanup runs are the system's
 * work, not anyone's contribution, and stay in the audit trail only.
 */
export const REGISTRY_EVENT_ACTIONS: Readonly<Record<string, RegistryEventAction>> = {
  image_pushed: { action: 'pushed', actionName: 'pushed to', pushAction: 'pushed' },
  tag_deleted: { action: 'pushed', actionName: 'deleted', pushAction: 'removed' },
  manifest_deleted: { action: 'pushed', actionName: 'deleted', pushAction: 'removed' },
  repository_deleted: { action: 'destroyed', actionName: 'destroyed', pushAction: null },
};

/** The audit event names an `action` filter selects (all registry events without one). */
export function registryEventNames(action?: EventAction): string[] {
  return Object.entries(REGISTRY_EVENT_ACTIONS)
    .filter(([, mapped]) => action === undefined || mapped.action === action)
    .map(([name]) => name);
}
