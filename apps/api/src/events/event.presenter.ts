import { FeedEvent, REGISTRY_EVENT_ACTIONS } from '@cargohold/iam';
import { presentUserBasic } from '../iam/presenters/user.presenter';

/**
 * GitLab's Event entity for a registry event. Pushes and deletes read as GitLab's push events (no target; a
 * `push_data` whose ref is the tag and whose commit is the manifest digest); `target_title` carries the image
 * reference (`path:tag`, `path@digest`, or the repository path), which GitLab leaves null for pushes.
 */
export function presentEvent({ event, author }: FeedEvent, baseUrl: string) {
  const mapped = REGISTRY_EVENT_ACTIONS[event.eventName];
  return {
    id: event.id,
    title: null,
    project_id: event.entityId,
    action_name: mapped?.actionName ?? event.eventName,
    target_id: null,
    target_iid: null,
    target_type: null,
    author_id: event.authorId,
    target_title: event.targetDetails,
    created_at: event.createdAt,
    author: author ? presentUserBasic(author, baseUrl) : null,
    imported: false,
    imported_from: 'none',
    ...(mapped?.pushAction ? { push_data: pushData(event.details, mapped.pushAction) } : {}),
    author_username: author?.username ?? event.authorName,
  };
}

function pushData(details: Record<string, unknown>, action: 'pushed' | 'removed') {
  const digest = typeof details.digest === 'string' ? details.digest : null;
  const tags = typeof details.tag === 'string' ? [details.tag] : Array.isArray(details.tags) ? details.tags.filter((tag): tag is string => typeof tag === 'string') : [];
  return {
    commit_count: 0,
    action,
    ref_type: 'tag',
    commit_from: action === 'removed' ? digest : null,
    commit_to: action === 'pushed' ? digest : null,
    ref: tags.length === 1 ? tags[0] : null,
    commit_title: null,
    ref_count: tags.length > 1 ? tags.length : null,
  };
}
