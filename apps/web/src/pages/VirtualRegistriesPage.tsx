import { useState } from 'react';
import { getGroup, groupAccessLevel } from '../api/projects';
import { AccessLevel, GroupDetail, roleName } from '../api/types';
import { createRegistry, getDependencyProxy, listRegistries } from '../api/virtual-registries';
import { Breadcrumbs } from '../components/Layout';
import { EmptyState, ErrorState, Loading } from '../components/States';
import { groupHref } from '../components/format';
import { useAsync } from '../components/useAsync';
import { Link } from '../router';
import { useSession } from '../session-context';
import { DependencyProxyPanel } from './DependencyProxyPanel';
import { RegistryForm } from './VirtualRegistryForm';
import { VirtualRegistrySection } from './VirtualRegistrySection';

/** GitLab's limit of virtual registries per top-level group (the API answers 400 beyond it). */
const MAX_REGISTRIES = 5;

/** The href of a group's virtual registries page (GitLab: `/groups/<path>/-/virtual_registries`). */
export const virtualRegistriesHref = (fullPath: string) => `${groupHref(fullPath)}/-/virtual_registries`;

/**
 * A top-level group's pull-through caches: its container virtual registries (upstreams in order, cached images) and
 * its dependency proxy. As the API decides: Guests and above read, Maintainers and Owners manage, Owners purge the
 * dependency proxy; a read-only token session changes nothing. Controls the caller may not use are disabled with why.
 */
export function VirtualRegistriesPage({ groupId }: { groupId: string }) {
  const { user, scopes } = useSession();
  const state = useAsync(async () => {
    const group = await getGroup(groupId);
    const accessLevel = user.is_admin ? AccessLevel.OWNER : await groupAccessLevel(group.id, user.id);
    return { group, accessLevel };
  }, [groupId, user.id]);
  if (state.error) return <ErrorState error={state.error} onRetry={state.reload} />;
  if (!state.data) return <Loading label="Loading group…" />;
  const { group, accessLevel } = state.data;
  const readOnlySession = scopes !== null && !scopes.includes('api');
  const refusalBelow = (level: number, role: string) =>
    readOnlySession ? 'This session’s token cannot change anything (it lacks the api scope).' : accessLevel < level ? `Needs the ${role} role in ${group.full_path}.` : null;
  return (
    <>
      <Breadcrumbs items={[{ label: 'Groups', href: '/groups' }, { label: group.full_path, href: groupHref(group.full_path) }, { label: 'Virtual registries' }]} />
      <h1>Virtual registries of {group.full_name ?? group.full_path}</h1>
      <p className="meta">
        <span data-testid="group-role">Your role: {roleName(accessLevel)}</span>
      </p>
      {group.parent_id !== null ? (
        <EmptyState title="Virtual registries belong to top-level groups">
          <p>
            Use those of <Link href={virtualRegistriesHref(group.full_path.split('/')[0])}>{group.full_path.split('/')[0]}</Link>.
          </p>
        </EmptyState>
      ) : (
        <GroupCaches group={group} refusal={refusalBelow(AccessLevel.MAINTAINER, 'Maintainer or Owner')} purgeRefusal={refusalBelow(AccessLevel.OWNER, 'Owner')} />
      )}
    </>
  );
}

function GroupCaches({ group, refusal, purgeRefusal }: { group: GroupDetail; refusal: string | null; purgeRefusal: string | null }) {
  const registries = useAsync(() => listRegistries(group.id), [group.id]);
  const proxy = useAsync(() => getDependencyProxy(group.id), [group.id]);
  const [created, setCreated] = useState(0);
  if (registries.error) return <ErrorState error={registries.error} onRetry={registries.reload} />;
  if (proxy.error) return <ErrorState error={proxy.error} onRetry={proxy.reload} />;
  if (!registries.data || !proxy.data) return <Loading label="Loading virtual registries…" />;
  // The registry's host as the API names it for the dependency proxy (the public URL), not the browser's idea of it.
  const host = proxy.data.image_prefix.split('/')[0];
  const count = registries.data.length;
  return (
    <>
      <section aria-labelledby="registries-title">
        <h2 id="registries-title">Container virtual registries</h2>
        <p className="sub">
          Each caches images from its upstreams, tried in order. <span data-testid="registry-count">{count} of {MAX_REGISTRIES} registries used.</span>
        </p>
        {refusal && (
          <p className="notice" data-testid="manage-refused">
            You can see these registries and their caches. {refusal}
          </p>
        )}
        {count === 0 && <EmptyState title="No virtual registries yet" />}
        {registries.data.map((registry) => (
          <VirtualRegistrySection key={registry.id} registry={registry} host={host} refusal={refusal} onChanged={registries.reload} />
        ))}
        {refusal === null &&
          (count >= MAX_REGISTRIES ? (
            <p className="notice" data-testid="registry-limit">
              This group has the most virtual registries allowed ({MAX_REGISTRIES}). Delete one to add another.
            </p>
          ) : (
            <details className="create">
              <summary>Create a virtual registry</summary>
              <RegistryForm
                key={created}
                idPrefix="registry-new"
                submitLabel="Create registry"
                onSubmit={async (input) => {
                  await createRegistry(group.id, input);
                  setCreated((n) => n + 1);
                  registries.reload();
                }}
              />
            </details>
          ))}
      </section>
      <DependencyProxyPanel key={JSON.stringify(proxy.data)} groupId={group.id} settings={proxy.data} refusal={refusal} purgeRefusal={purgeRefusal} onChanged={proxy.reload} />
    </>
  );
}
