/**
 * Generated from the api's OpenAPI document by `pnpm api-types` (openapi-typescript): do not edit.
 * apps/api/src/openapi/api-types.spec.ts fails when this file is stale.
 */

export interface paths {
    "/-/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["HealthController_health"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/-/readiness": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["HealthController_readiness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/application/settings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ApplicationSettingsController_get"];
        put: operations["ApplicationSettingsController_update"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/audit_events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["InstanceAuditEventsController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/audit_events/{audit_event_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["InstanceAuditEventsController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/deploy_tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["InstanceDeployTokensController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["CurrentUserEventsController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/groups": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["GroupsController_list"];
        put?: never;
        post: operations["GroupsController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/groups/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["GroupsController_get"];
        put: operations["GroupsController_update"];
        post?: never;
        delete: operations["GroupsController_delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/groups/{id}/-/virtual_registries/container/registries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["VirtualRegistriesController_list"];
        put?: never;
        post: operations["VirtualRegistriesController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/groups/{id}/-/virtual_registries/container/upstreams": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["VirtualRegistriesController_groupUpstreams"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/groups/{id}/access_tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["GroupAccessTokensController_list"];
        put?: never;
        post: operations["GroupAccessTokensController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/groups/{id}/access_tokens/{token_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["GroupAccessTokensController_get"];
        put?: never;
        post?: never;
        delete: operations["GroupAccessTokensController_revoke"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/groups/{id}/access_tokens/{token_id}/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["GroupAccessTokensController_rotate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/groups/{id}/audit_events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["GroupAuditEventsController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/groups/{id}/audit_events/{audit_event_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["GroupAuditEventsController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/groups/{id}/dependency_proxy": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["DependencyProxyController_get"];
        put: operations["DependencyProxyController_update"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/groups/{id}/dependency_proxy/cache": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete: operations["DependencyProxyController_purge"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/groups/{id}/deploy_tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["GroupDeployTokensController_list"];
        put?: never;
        post: operations["GroupDeployTokensController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/groups/{id}/deploy_tokens/{token_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["GroupDeployTokensController_get"];
        put?: never;
        post?: never;
        delete: operations["GroupDeployTokensController_remove"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/groups/{id}/descendant_groups": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["GroupsController_descendantGroups"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/groups/{id}/hooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["GroupHooksController_list"];
        put?: never;
        post: operations["GroupHooksController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/groups/{id}/hooks/{hook_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["GroupHooksController_get"];
        put: operations["GroupHooksController_update"];
        post?: never;
        delete: operations["GroupHooksController_remove"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/groups/{id}/hooks/{hook_id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["GroupHooksController_events"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/groups/{id}/hooks/{hook_id}/test/{trigger}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["GroupHooksController_test"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/groups/{id}/members": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["GroupMembersController_list"];
        put?: never;
        post: operations["GroupMembersController_add"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/groups/{id}/members/{user_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["GroupMembersController_get"];
        put: operations["GroupMembersController_update"];
        post?: never;
        delete: operations["GroupMembersController_remove"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/groups/{id}/members/all": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["GroupMembersController_listAll"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/groups/{id}/members/all/{user_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["GroupMembersController_getEffective"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/groups/{id}/projects": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["GroupsController_projects"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/groups/{id}/registry/repositories": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the registry repositories of a group and its subgroups */
        get: operations["GroupRegistryController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/groups/{id}/registry/statistics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Registry storage of a group and its subgroups (Reporter of the group) */
        get: operations["GroupRegistryController_statistics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/groups/{id}/subgroups": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["GroupsController_subgroups"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/job": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["CiJobsController_current"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/metadata": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["MetadataController_metadata"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/namespaces": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["NamespacesController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/namespaces/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["NamespacesController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/personal_access_tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["PersonalAccessTokensController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/personal_access_tokens/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["PersonalAccessTokensController_get"];
        put?: never;
        post?: never;
        delete: operations["PersonalAccessTokensController_revoke"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/personal_access_tokens/{id}/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["PersonalAccessTokensController_rotate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/personal_access_tokens/self": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["PersonalAccessTokensController_self"];
        put?: never;
        post?: never;
        delete: operations["PersonalAccessTokensController_revokeSelf"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/personal_access_tokens/self/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["PersonalAccessTokensController_rotateSelf"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/projects": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ProjectsController_list"];
        put?: never;
        post: operations["ProjectsController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/projects/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ProjectsController_get"];
        put: operations["ProjectsController_update"];
        post?: never;
        delete: operations["ProjectsController_delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/projects/{id}/access_tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ProjectAccessTokensController_list"];
        put?: never;
        post: operations["ProjectAccessTokensController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/projects/{id}/access_tokens/{token_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ProjectAccessTokensController_get"];
        put?: never;
        post?: never;
        delete: operations["ProjectAccessTokensController_revoke"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/projects/{id}/access_tokens/{token_id}/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["ProjectAccessTokensController_rotate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/projects/{id}/audit_events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ProjectAuditEventsController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/projects/{id}/audit_events/{audit_event_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ProjectAuditEventsController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/projects/{id}/ci/jobs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["CiJobsController_start"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/projects/{id}/ci/jobs/{job_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["CiJobsController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/projects/{id}/ci/jobs/{job_id}/finish": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["CiJobsController_finish"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/projects/{id}/deploy_tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ProjectDeployTokensController_list"];
        put?: never;
        post: operations["ProjectDeployTokensController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/projects/{id}/deploy_tokens/{token_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ProjectDeployTokensController_get"];
        put?: never;
        post?: never;
        delete: operations["ProjectDeployTokensController_remove"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/projects/{id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ProjectEventsController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/projects/{id}/hooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ProjectHooksController_list"];
        put?: never;
        post: operations["ProjectHooksController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/projects/{id}/hooks/{hook_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ProjectHooksController_get"];
        put: operations["ProjectHooksController_update"];
        post?: never;
        delete: operations["ProjectHooksController_remove"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/projects/{id}/hooks/{hook_id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ProjectHooksController_events"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/projects/{id}/hooks/{hook_id}/test/{trigger}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["ProjectHooksController_test"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/projects/{id}/job_token_scope": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["JobTokenScopeController_settings"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch: operations["JobTokenScopeController_update"];
        trace?: never;
    };
    "/api/v4/projects/{id}/job_token_scope/allowlist": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["JobTokenScopeController_list"];
        put?: never;
        post: operations["JobTokenScopeController_add"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/projects/{id}/job_token_scope/allowlist/{target_project_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete: operations["JobTokenScopeController_remove"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/projects/{id}/job_token_scope/groups_allowlist": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["JobTokenScopeController_listGroups"];
        put?: never;
        post: operations["JobTokenScopeController_addGroup"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/projects/{id}/job_token_scope/groups_allowlist/{target_group_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete: operations["JobTokenScopeController_removeGroup"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/projects/{id}/members": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ProjectMembersController_list"];
        put?: never;
        post: operations["ProjectMembersController_add"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/projects/{id}/members/{user_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ProjectMembersController_get"];
        put: operations["ProjectMembersController_update"];
        post?: never;
        delete: operations["ProjectMembersController_remove"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/projects/{id}/members/all": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ProjectMembersController_listAll"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/projects/{id}/members/all/{user_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ProjectMembersController_getEffective"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/projects/{id}/registry/cleanup_policy/runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["CleanupPoliciesController_runs"];
        put?: never;
        post: operations["CleanupPoliciesController_runNow"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/projects/{id}/registry/protection/repository/rules": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the container repository protection rules of a project (Maintainer) */
        get: operations["RepositoryProtectionRulesController_list"];
        put?: never;
        /** Create a container repository protection rule (Maintainer) */
        post: operations["RepositoryProtectionRulesController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/projects/{id}/registry/protection/repository/rules/{protection_rule_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Delete a container repository protection rule (Maintainer) */
        delete: operations["RepositoryProtectionRulesController_remove"];
        options?: never;
        head?: never;
        /** Update a container repository protection rule (Maintainer) */
        patch: operations["RepositoryProtectionRulesController_update"];
        trace?: never;
    };
    "/api/v4/projects/{id}/registry/protection/tag/rules": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the protection tag rules of a project (Maintainer) */
        get: operations["TagProtectionRulesController_list"];
        put?: never;
        /** Create a protection tag rule (Maintainer; both levels unset: an immutable rule) */
        post: operations["TagProtectionRulesController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/projects/{id}/registry/protection/tag/rules/{protection_rule_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Delete a protection tag rule (Maintainer; an immutable rule: Owner) */
        delete: operations["TagProtectionRulesController_remove"];
        options?: never;
        head?: never;
        /** Update a protection tag rule (Maintainer; an immutable rule: Owner) */
        patch: operations["TagProtectionRulesController_update"];
        trace?: never;
    };
    "/api/v4/projects/{id}/registry/repositories": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the registry repositories of a project */
        get: operations["ProjectRegistryController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/projects/{id}/registry/repositories/{repository_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put: operations["CleanupPoliciesController_updateRepository"];
        post?: never;
        /** Schedule the deletion of a registry repository (Maintainer) */
        delete: operations["ProjectRegistryController_deleteRepository"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/projects/{id}/registry/repositories/{repository_id}/cleanup_preview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["CleanupPreviewController_preview"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/projects/{id}/registry/repositories/{repository_id}/deleted_tags": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the tags deleted within the GC review window, newest first (Developer) */
        get: operations["DeletedTagsController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/projects/{id}/registry/repositories/{repository_id}/tags": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the tags of a registry repository (offset or keyset pagination) */
        get: operations["ProjectRegistryController_tags"];
        put?: never;
        post?: never;
        /** Delete tags in bulk by GitLab's rules, asynchronously (Maintainer; once an hour per repository) */
        delete: operations["ProjectRegistryController_bulkDelete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/projects/{id}/registry/repositories/{repository_id}/tags/{tag_name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get the details of a tag */
        get: operations["ProjectRegistryController_tag"];
        put?: never;
        post?: never;
        /** Delete a tag (Developer) */
        delete: operations["ProjectRegistryController_deleteTag"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/projects/{id}/registry/repositories/{repository_id}/tags/{tag_name}/manifest": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["TagManifestController_manifest"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/projects/{id}/registry/repositories/{repository_id}/tags/{tag_name}/restore": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Restore a deleted tag to the manifest it pointed to (Maintainer) */
        post: operations["DeletedTagsController_restore"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/projects/{id}/registry/statistics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Registry storage of a project: deduplicated size, repositories and tags */
        get: operations["ProjectRegistryController_statistics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/registry/repositories": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Find images by path across every project the caller can pull from */
        get: operations["RegistryRepositoriesController_search"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/registry/repositories/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a registry repository, optionally with tags, tags_count and size */
        get: operations["RegistryRepositoriesController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/session": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["SessionController_current"];
        put?: never;
        post: operations["SessionController_signIn"];
        delete: operations["SessionController_signOut"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/user": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["UsersController_current"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/user/personal_access_tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["PersonalAccessTokensController_createForSelf"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["UsersController_list"];
        put?: never;
        post: operations["UsersController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/users/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["UsersController_get"];
        put: operations["UsersController_update"];
        post?: never;
        delete: operations["UsersController_delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/users/{id}/block": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["UsersController_block"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/users/{id}/unblock": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["UsersController_unblock"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/users/{user_id}/personal_access_tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["PersonalAccessTokensController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/version": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["MetadataController_version"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/virtual_registries/container/cache_entries/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete: operations["VirtualRegistriesController_removeEntry"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/virtual_registries/container/registries/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["VirtualRegistriesController_get"];
        put?: never;
        post?: never;
        delete: operations["VirtualRegistriesController_remove"];
        options?: never;
        head?: never;
        patch: operations["VirtualRegistriesController_update"];
        trace?: never;
    };
    "/api/v4/virtual_registries/container/registries/{id}/cache": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete: operations["VirtualRegistriesController_purgeRegistry"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/virtual_registries/container/registries/{id}/upstreams": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["VirtualRegistriesController_registryUpstreams"];
        put?: never;
        post: operations["VirtualRegistriesController_createUpstream"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/virtual_registries/container/registry_upstreams": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["VirtualRegistriesController_associate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/virtual_registries/container/registry_upstreams/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete: operations["VirtualRegistriesController_disassociate"];
        options?: never;
        head?: never;
        patch: operations["VirtualRegistriesController_move"];
        trace?: never;
    };
    "/api/v4/virtual_registries/container/upstreams/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["VirtualRegistriesController_getUpstream"];
        put?: never;
        post?: never;
        delete: operations["VirtualRegistriesController_removeUpstream"];
        options?: never;
        head?: never;
        patch: operations["VirtualRegistriesController_updateUpstream"];
        trace?: never;
    };
    "/api/v4/virtual_registries/container/upstreams/{id}/cache": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete: operations["VirtualRegistriesController_purgeUpstream"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v4/virtual_registries/container/upstreams/{id}/cache_entries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["VirtualRegistriesController_cacheEntries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jwt/auth": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["JwtAuthController_auth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["HealthController_metrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        AccessEntity: {
            access_level: number;
            role: string;
        };
        AddAllowlistGroupDto: Record<string, never>;
        AddAllowlistProjectDto: Record<string, never>;
        AddMemberDto: Record<string, never>;
        ApplicationSettingsDto: Record<string, never>;
        AssociationBodyDto: Record<string, never>;
        BulkDeleteTagsDto: {
            /** @description How many of the newest matching tags to keep. */
            keep_n?: number;
            /** @description Ours: keep the N matching tags pulled most recently (tags never pulled are not among them). */
            keep_n_recently_pulled?: number;
            /** @description Ours: keep every matching tag pulled within this age, in older_than's forms: `7d`, `2 days`, `1month`. */
            keep_pulled_within?: string;
            /**
             * @deprecated
             * @description Deprecated: use name_regex_delete.
             */
            name_regex?: string;
            /** @description RE2 regex of the tag names to delete (the whole name must match); `.*` deletes all. */
            name_regex_delete?: string;
            /** @description RE2 regex of tag names to keep; wins over name_regex_delete. */
            name_regex_keep?: string;
            /** @description Only delete tags older than this: `1h`, `7d`, `1month`. */
            older_than?: string;
        };
        CleanupPolicyEntity: {
            cadence: string;
            enabled: boolean;
            /** @description The group the policy in force belongs to, when inherited. */
            group_id?: number;
            keep_n: number | null;
            keep_n_recently_pulled: number | null;
            keep_pulled_within: string | null;
            name_regex: string | null;
            name_regex_delete: string | null;
            name_regex_keep: string | null;
            /** Format: date-time */
            next_run_at: string | null;
            older_than: string | null;
            /** @enum {string} */
            source: "project" | "group" | "repository" | "default";
        };
        CleanupPreviewEntity: {
            delete_count: number;
            /** Format: date-time */
            judged_at: string;
            keep_count: number;
            /** @description Null when the policy in force has no name_regex (it deletes nothing). */
            rules: components["schemas"]["PreviewRulesEntity"] | null;
            /** @enum {string} */
            source: "parameters" | "project" | "group" | "repository" | "default";
            tags: components["schemas"]["PreviewedTagEntity"][];
            tags_count: number;
        };
        CleanupRunEntity: {
            deleted_tags_count: number;
            error: string | null;
            /** Format: date-time */
            finished_at: string | null;
            id: number;
            /** @description Tags the policy chose that immutable tag rules kept (ours, issue 19). */
            immutable_tags_skipped_count: number;
            /** @enum {string} */
            policy_source: "project" | "group" | "repository";
            project_id: number;
            /** @description Tags the policy chose that protection rules kept from deletion (ours, issue 19). */
            protected_tags_skipped_count: number;
            repositories_done: number;
            /** Format: date-time */
            scheduled_at: string;
            /** Format: date-time */
            started_at: string | null;
            /** @enum {string} */
            status: "scheduled" | "ongoing" | "unfinished" | "finished" | "failed";
            /** @enum {string} */
            trigger: "schedule" | "manual";
        };
        CreateDeployTokenDto: Record<string, never>;
        CreateGroupDto: Record<string, never>;
        CreatePersonalAccessTokenDto: Record<string, never>;
        CreateProjectDto: Record<string, never>;
        CreateResourceAccessTokenDto: Record<string, never>;
        CreateUserDto: Record<string, never>;
        DeletedTagEntity: {
            /** Format: date-time */
            deleted_at: string;
            deleted_by: number | null;
            deleted_by_type: string | null;
            deleted_by_username: string | null;
            digest: string;
            /** @enum {string} */
            how: "registry" | "api" | "bulk_delete" | "cleanup";
            id: number;
            /** @description `host[:port]/<repository path>:<tag>` */
            location: string;
            name: string;
            /** @description `<repository path>:<tag>` */
            path: string;
            restorable: boolean;
            /** Format: date-time */
            restorable_until: string;
            /**
             * @description Why a restore would fail now (410, 409); null when it would succeed.
             * @enum {string|null}
             */
            restore_blocked_by: "manifest_deleted" | "name_taken" | null;
        };
        DependencyProxySettingsDto: Record<string, never>;
        DeployTokenEntity: {
            expired: boolean;
            /** Format: date-time */
            expires_at: string | null;
            group_id?: number | null;
            id: number;
            name: string;
            project_id?: number;
            revoked: boolean;
            scopes: string[];
            /** @description The secret: only when just created. */
            token?: string;
            username: string;
        };
        DescriptorEntity: {
            annotations?: {
                [key: string]: string;
            };
            artifact_type?: string;
            digest: string;
            media_type: string;
            size: number;
        };
        GroupDetailEntity: {
            avatar_url: string | null;
            /** @description PUT only: the group’s default cleanup policy. */
            container_expiration_policy?: components["schemas"]["CleanupPolicyEntity"] | null;
            /** @description Bytes the registries of the projects below the group store, deduplicated. */
            container_registry_size?: number;
            /** @description Everything below the group together, in bytes (0: none). */
            container_registry_storage_limit?: number;
            /** Format: date-time */
            created_at: string;
            /** @description Bytes the group’s pull-through caches (virtual registries, dependency proxy) hold, deduplicated. */
            dependency_proxy_size?: number;
            description: string;
            full_name: string;
            full_path: string;
            id: number;
            name: string;
            parent_id: number | null;
            path: string;
            /** @description Both together, each distinct blob once: what the group’s storage limit counts. */
            storage_size?: number;
            /** @enum {string} */
            visibility: "private" | "internal" | "public";
            web_url: string;
        };
        GroupEntity: {
            avatar_url: string | null;
            /** Format: date-time */
            created_at: string;
            description: string;
            full_name: string;
            full_path: string;
            id: number;
            name: string;
            parent_id: number | null;
            path: string;
            /** @enum {string} */
            visibility: "private" | "internal" | "public";
            web_url: string;
        };
        IndexEntryEntity: {
            annotations?: {
                [key: string]: string;
            };
            artifact_type?: string;
            digest: string;
            media_type: string;
            platform: components["schemas"]["PlatformEntity"] | null;
            size: number;
        };
        ListedTagEntity: {
            /** Format: date-time */
            last_pulled_at: string | null;
            /** @description `host[:port]/<repository path>:<tag>` */
            location: string;
            name: string;
            /** @description `<repository path>:<tag>` */
            path: string;
            /** @description Null when no rule covers the tag. */
            protection?: components["schemas"]["TagProtectionEntity"] | null;
            pull_count: number;
        };
        ManifestLimitsEntity: {
            child_manifest_bytes: number;
            children: number;
            descriptors: number;
            referrers: number;
        };
        MemberEntity: {
            access_level: number;
            avatar_url: string | null;
            /** Format: date-time */
            created_at: string;
            created_by: components["schemas"]["UserBasicEntity"] | null;
            /** Format: date */
            expires_at: string | null;
            id: number;
            locked: boolean;
            membership_state: string;
            name: string;
            source_id: number;
            /** @enum {string} */
            source_type: "Namespace" | "Project";
            state: string;
            username: string;
            web_url: string;
        };
        NamespaceBriefEntity: {
            full_path: string;
            id: number;
            /** @enum {string} */
            kind: "user" | "group";
            name: string;
            parent_id: number | null;
            path: string;
            web_url: string;
        };
        PatchJobTokenScopeDto: Record<string, never>;
        PersonalAccessTokenEntity: {
            active: boolean;
            /** Format: date-time */
            created_at: string;
            description: string | null;
            /** Format: date */
            expires_at: string | null;
            id: number;
            /** Format: date-time */
            last_used_at: string | null;
            name: string;
            revoked: boolean;
            scopes: string[];
            /** @description The secret: only when just created. */
            token?: string;
            user_id: number;
        };
        PlatformDetailsEntity: {
            annotations?: {
                [key: string]: string;
            };
            artifact_type?: string;
            config: components["schemas"]["DescriptorEntity"] | null;
            digest: string;
            /** @description The listed layers: a bounded view may list fewer than `layers_count`. */
            layers: components["schemas"]["DescriptorEntity"][];
            layers_count: number | null;
            /** @description False when the child was not read (absent, or past the view’s limits). */
            loaded: boolean;
            media_type: string;
            platform: components["schemas"]["PlatformEntity"] | null;
            size: number;
            total_size: number;
        };
        PlatformEntity: {
            architecture: string;
            os: string;
            os_version?: string;
            variant?: string;
        };
        PositionBodyDto: Record<string, never>;
        PreviewedTagEntity: {
            /** @enum {string} */
            action: "delete" | "keep";
            /** @description The rules that keep the tag (protection rules included); empty: a run now deletes it. */
            kept_by: ("latest" | "name_regex_delete" | "name_regex_keep" | "keep_n" | "older_than" | "keep_n_recently_pulled" | "keep_pulled_within" | "protected" | "immutable")[];
            /** Format: date-time */
            last_pulled_at: string | null;
            /** @description `host[:port]/<repository path>:<tag>` */
            location: string;
            name: string;
            /** @description `<repository path>:<tag>` */
            path: string;
            pull_count: number;
            /** Format: date-time */
            pushed_at: string;
        };
        PreviewRulesEntity: {
            keep_n: number | null;
            keep_n_recently_pulled: number | null;
            keep_pulled_within_seconds: number | null;
            name_regex_delete: string;
            name_regex_keep: string | null;
            older_than_seconds: number | null;
        };
        ProjectDetailEntity: {
            container_expiration_policy: components["schemas"]["CleanupPolicyEntity"];
            /** @enum {string} */
            container_registry_access_level: "enabled" | "private" | "disabled";
            container_registry_enabled: boolean;
            /** @description `host[:port]/<project path>`: what image names start with. */
            container_registry_image_prefix: string;
            /** @description Bytes stored, deduplicated. */
            container_registry_size?: number;
            /** @description The limit in force, in bytes (0: none). */
            container_registry_storage_effective_limit?: number;
            /** @description The project’s own limit in bytes (null: the instance default applies). */
            container_registry_storage_limit?: number | null;
            /** Format: date-time */
            created_at: string;
            creator_id: number | null;
            description: string;
            id: number;
            name: string;
            name_with_namespace: string;
            namespace: components["schemas"]["NamespaceBriefEntity"];
            path: string;
            path_with_namespace: string;
            /** @description The caller’s role, when signed in. */
            permissions?: components["schemas"]["ProjectPermissionsEntity"];
            /** @description With `statistics=true`. */
            statistics?: components["schemas"]["ProjectStatisticsEntity"];
            /** @enum {string} */
            visibility: "private" | "internal" | "public";
            web_url: string;
        };
        ProjectEntity: {
            /** @enum {string} */
            container_registry_access_level: "enabled" | "private" | "disabled";
            container_registry_enabled: boolean;
            /** @description `host[:port]/<project path>`: what image names start with. */
            container_registry_image_prefix: string;
            /** Format: date-time */
            created_at: string;
            creator_id: number | null;
            description: string;
            id: number;
            name: string;
            name_with_namespace: string;
            namespace: components["schemas"]["NamespaceBriefEntity"];
            path: string;
            path_with_namespace: string;
            /** @description The caller’s role, when signed in. */
            permissions?: components["schemas"]["ProjectPermissionsEntity"];
            /** @enum {string} */
            visibility: "private" | "internal" | "public";
            web_url: string;
        };
        ProjectPermissionsEntity: {
            project_access: components["schemas"]["AccessEntity"] | null;
        };
        ProjectStatisticsEntity: {
            commit_count: number;
            container_registry_size: number;
            job_artifacts_size: number;
            lfs_objects_size: number;
            packages_size: number;
            pipeline_artifacts_size: number;
            repository_size: number;
            snippets_size: number;
            storage_size: number;
            uploads_size: number;
            wiki_size: number;
        };
        ReferrerEntity: {
            annotations: {
                [key: string]: string;
            };
            artifact_type: string | null;
            digest: string;
            media_type: string;
            size: number;
        };
        RegistryBodyDto: Record<string, never>;
        RegistryUsageEntity: {
            container_registry_size: number;
            repositories_count: number;
            tags_count: number;
        };
        RepositoryEntity: {
            /** Format: date-time */
            cleanup_policy_started_at: string | null;
            /** Format: date-time */
            created_at: string;
            /** @description Only for those who may delete the repository. */
            delete_api_path?: string;
            id: number;
            location: string;
            name: string;
            path: string;
            project_id: number;
            /** @description Deduplicated bytes (the single-repository route, with `size=true`). */
            size?: number;
            /** @description `delete_scheduled`, `delete_ongoing`, `delete_failed` or null. */
            status: string | null;
            /** @description With `tags=true`: the first tags. */
            tags?: components["schemas"]["TagEntity"][];
            /** @description With `tags_count=true`. */
            tags_count?: number;
        };
        RepositoryPolicyDto: Record<string, never>;
        RepositoryRuleDto: Record<string, never>;
        ResourceAccessTokenEntity: {
            access_level: number;
            active: boolean;
            /** Format: date-time */
            created_at: string;
            description: string | null;
            /** Format: date */
            expires_at: string | null;
            id: number;
            /** Format: date-time */
            last_used_at: string | null;
            name: string;
            revoked: boolean;
            scopes: string[];
            /** @description The secret: only when just created. */
            token?: string;
            user_id: number;
        };
        RestoreTagDto: {
            /** @description Restore the newest deletion of the tag at this manifest digest (default: the newest deletion of the tag). */
            digest?: string;
        };
        RotateTokenDto: Record<string, never>;
        SessionEntity: {
            csrf_token: string;
            /**
             * Format: date-time
             * @description When the session ends (sign-in only).
             */
            expires_at?: string;
            /** @description The token’s scopes when signed in with a token; null after a password sign-in. */
            scopes: string[] | null;
            user: components["schemas"]["SessionUserEntity"];
        };
        SessionUserEntity: {
            id: number;
            is_admin: boolean;
            name: string;
            username: string;
        };
        StartJobDto: Record<string, never>;
        TagDetailsEntity: {
            /** Format: date-time */
            created_at: string;
            /** @description The manifest’s digest. */
            digest: string;
            /** Format: date-time */
            last_pulled_at: string | null;
            /** @description `host[:port]/<repository path>:<tag>` */
            location: string;
            /** Format: date-time */
            manifest_last_pulled_at: string | null;
            manifest_pull_count: number;
            name: string;
            /** @description `<repository path>:<tag>` */
            path: string;
            /** @description Null when no rule covers the tag. */
            protection?: components["schemas"]["TagProtectionEntity"] | null;
            pull_count: number;
            /** @description The image config’s digest (hex). */
            revision: string | null;
            short_revision: string | null;
            total_size: number;
        };
        TagEntity: {
            /** @description `host[:port]/<repository path>:<tag>` */
            location: string;
            name: string;
            /** @description `<repository path>:<tag>` */
            path: string;
        };
        TagManifestEntity: {
            annotations?: {
                [key: string]: string;
            };
            artifact_type?: string;
            can_delete: boolean;
            config: components["schemas"]["DescriptorEntity"] | null;
            digest: string;
            layers: components["schemas"]["DescriptorEntity"][];
            layers_count: number;
            limits: components["schemas"]["ManifestLimitsEntity"];
            location: string;
            manifests: components["schemas"]["IndexEntryEntity"][];
            manifests_count: number;
            media_type: string;
            name: string;
            path: string;
            platforms: components["schemas"]["PlatformDetailsEntity"][];
            pull_by_digest: string;
            pull_command: string;
            /** @description The manifest as stored, parsed. */
            raw: {
                [key: string]: unknown;
            };
            referrers: components["schemas"]["ReferrerEntity"][];
            /** @description The manifest’s bytes. */
            size: number;
            subject?: components["schemas"]["DescriptorEntity"];
            total_size: number;
            /** @description True when a list was cut or a child left unread (see `limits`). */
            truncated: boolean;
        };
        TagProtectionEntity: {
            /** @description Why the caller may not delete the tag; null: they may. */
            delete_refused_reason: string | null;
            immutable: boolean;
            /** @enum {string|null} */
            minimum_access_level_for_delete: "maintainer" | "owner" | "admin" | null;
            /** @enum {string|null} */
            minimum_access_level_for_push: "maintainer" | "owner" | "admin" | null;
            /** @description Why the caller may not push the tag to another manifest; null: they may. */
            push_refused_reason: string | null;
        };
        TagRuleDto: Record<string, never>;
        UpdateGroupDto: Record<string, never>;
        UpdateMemberDto: Record<string, never>;
        UpdateProjectDto: Record<string, never>;
        UpdateUserDto: Record<string, never>;
        UpstreamBodyDto: Record<string, never>;
        UserBasicEntity: {
            avatar_url: string | null;
            id: number;
            locked: boolean;
            name: string;
            state: string;
            username: string;
            web_url: string;
        };
        WebhookBodyDto: Record<string, never>;
        WebhookDeliveryEntity: {
            attempts: number;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            delivered_at: string | null;
            duration_ms: number | null;
            event_name: string;
            event_uuid: string;
            /** @description Seconds. */
            execution_duration: number | null;
            id: number;
            last_error: string | null;
            /** @description The payload delivered. */
            request_data: {
                [key: string]: unknown;
            };
            /** @description The HTTP status the receiver answered, as text. */
            response_status: string | null;
            status: string;
            trigger: string;
            /** Format: date-time */
            updated_at: string;
            url: string;
        };
        WebhookEntity: {
            /** @enum {string} */
            alert_status: "executable" | "temporarily_disabled" | "disabled";
            branch_filter_strategy: string;
            confidential_issues_events: boolean;
            confidential_note_events: boolean;
            /** Format: date-time */
            created_at: string;
            custom_headers: Record<string, never>[];
            deployment_events: boolean;
            description: string;
            /** Format: date-time */
            disabled_until: string | null;
            emoji_events: boolean;
            enable_ssl_verification: boolean;
            feature_flag_events: boolean;
            group_id?: number | null;
            id: number;
            issues_events: boolean;
            job_events: boolean;
            member_events: boolean;
            merge_requests_events: boolean;
            milestone_events: boolean;
            name: string;
            note_events: boolean;
            pipeline_events: boolean;
            project_events: boolean;
            project_id?: number;
            push_events: boolean;
            push_events_branch_filter: string;
            recent_failures: number;
            registry_events: boolean;
            releases_events: boolean;
            repository_update_events: boolean;
            resource_access_token_events: boolean;
            subgroup_events: boolean;
            tag_push_events: boolean;
            token_present: boolean;
            url: string;
            url_variables: Record<string, never>[];
            wiki_page_events: boolean;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    HealthController_health: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    HealthController_readiness: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ApplicationSettingsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ApplicationSettingsController_update: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ApplicationSettingsDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    InstanceAuditEventsController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    InstanceAuditEventsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                audit_event_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    InstanceDeployTokensController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    CurrentUserEventsController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    GroupsController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GroupEntity"][];
                };
            };
        };
    };
    GroupsController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateGroupDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    GroupsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GroupDetailEntity"];
                };
            };
        };
    };
    GroupsController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateGroupDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GroupDetailEntity"];
                };
            };
        };
    };
    GroupsController_delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    VirtualRegistriesController_list: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    VirtualRegistriesController_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RegistryBodyDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    VirtualRegistriesController_groupUpstreams: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    GroupAccessTokensController_list: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ResourceAccessTokenEntity"][];
                };
            };
        };
    };
    GroupAccessTokensController_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateResourceAccessTokenDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ResourceAccessTokenEntity"];
                };
            };
        };
    };
    GroupAccessTokensController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                token_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ResourceAccessTokenEntity"];
                };
            };
        };
    };
    GroupAccessTokensController_revoke: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                token_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    GroupAccessTokensController_rotate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                token_id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RotateTokenDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    GroupAuditEventsController_list: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    GroupAuditEventsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                audit_event_id: number;
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    DependencyProxyController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    DependencyProxyController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DependencyProxySettingsDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    DependencyProxyController_purge: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    GroupDeployTokensController_list: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeployTokenEntity"][];
                };
            };
        };
    };
    GroupDeployTokensController_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateDeployTokenDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeployTokenEntity"];
                };
            };
        };
    };
    GroupDeployTokensController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                token_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeployTokenEntity"];
                };
            };
        };
    };
    GroupDeployTokensController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                token_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    GroupsController_descendantGroups: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    GroupHooksController_list: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEntity"][];
                };
            };
        };
    };
    GroupHooksController_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["WebhookBodyDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    GroupHooksController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                hook_id: number;
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEntity"];
                };
            };
        };
    };
    GroupHooksController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                hook_id: number;
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["WebhookBodyDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    GroupHooksController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                hook_id: number;
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    GroupHooksController_events: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                hook_id: number;
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookDeliveryEntity"][];
                };
            };
        };
    };
    GroupHooksController_test: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                hook_id: number;
                id: string;
                trigger: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    GroupMembersController_list: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MemberEntity"][];
                };
            };
        };
    };
    GroupMembersController_add: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AddMemberDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    GroupMembersController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                user_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MemberEntity"];
                };
            };
        };
    };
    GroupMembersController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                user_id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateMemberDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    GroupMembersController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                user_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    GroupMembersController_listAll: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MemberEntity"][];
                };
            };
        };
    };
    GroupMembersController_getEffective: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                user_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MemberEntity"];
                };
            };
        };
    };
    GroupsController_projects: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    GroupRegistryController_list: {
        parameters: {
            query?: {
                /** @description Page number (default 1). */
                page?: number;
                /** @description Items per page (default 20, at most 100). */
                per_page?: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Forbidden: the role or token scope does not allow it */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Project, group, repository or tag not found (or not visible) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    GroupRegistryController_statistics: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Forbidden: the role or token scope does not allow it */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Project, group, repository or tag not found (or not visible) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    GroupsController_subgroups: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    CiJobsController_current: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    MetadataController_metadata: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    NamespacesController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    NamespacesController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    PersonalAccessTokensController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PersonalAccessTokenEntity"][];
                };
            };
        };
    };
    PersonalAccessTokensController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PersonalAccessTokenEntity"];
                };
            };
        };
    };
    PersonalAccessTokensController_revoke: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    PersonalAccessTokensController_rotate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RotateTokenDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    PersonalAccessTokensController_self: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PersonalAccessTokenEntity"];
                };
            };
        };
    };
    PersonalAccessTokensController_revokeSelf: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    PersonalAccessTokensController_rotateSelf: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RotateTokenDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ProjectsController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProjectEntity"][];
                };
            };
        };
    };
    ProjectsController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateProjectDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ProjectsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProjectDetailEntity"];
                };
            };
        };
    };
    ProjectsController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateProjectDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProjectDetailEntity"];
                };
            };
        };
    };
    ProjectsController_delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ProjectAccessTokensController_list: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ResourceAccessTokenEntity"][];
                };
            };
        };
    };
    ProjectAccessTokensController_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateResourceAccessTokenDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ResourceAccessTokenEntity"];
                };
            };
        };
    };
    ProjectAccessTokensController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                token_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ResourceAccessTokenEntity"];
                };
            };
        };
    };
    ProjectAccessTokensController_revoke: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                token_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ProjectAccessTokensController_rotate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                token_id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RotateTokenDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ProjectAuditEventsController_list: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ProjectAuditEventsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                audit_event_id: number;
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    CiJobsController_start: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["StartJobDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    CiJobsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                job_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    CiJobsController_finish: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                job_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ProjectDeployTokensController_list: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeployTokenEntity"][];
                };
            };
        };
    };
    ProjectDeployTokensController_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateDeployTokenDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeployTokenEntity"];
                };
            };
        };
    };
    ProjectDeployTokensController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                token_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeployTokenEntity"];
                };
            };
        };
    };
    ProjectDeployTokensController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                token_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ProjectEventsController_list: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ProjectHooksController_list: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEntity"][];
                };
            };
        };
    };
    ProjectHooksController_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["WebhookBodyDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ProjectHooksController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                hook_id: number;
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEntity"];
                };
            };
        };
    };
    ProjectHooksController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                hook_id: number;
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["WebhookBodyDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ProjectHooksController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                hook_id: number;
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ProjectHooksController_events: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                hook_id: number;
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookDeliveryEntity"][];
                };
            };
        };
    };
    ProjectHooksController_test: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                hook_id: number;
                id: string;
                trigger: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    JobTokenScopeController_settings: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    JobTokenScopeController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PatchJobTokenScopeDto"];
            };
        };
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    JobTokenScopeController_list: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    JobTokenScopeController_add: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AddAllowlistProjectDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    JobTokenScopeController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                target_project_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    JobTokenScopeController_listGroups: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    JobTokenScopeController_addGroup: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AddAllowlistGroupDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    JobTokenScopeController_removeGroup: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                target_group_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ProjectMembersController_list: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MemberEntity"][];
                };
            };
        };
    };
    ProjectMembersController_add: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AddMemberDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ProjectMembersController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                user_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MemberEntity"];
                };
            };
        };
    };
    ProjectMembersController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                user_id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateMemberDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ProjectMembersController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                user_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ProjectMembersController_listAll: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MemberEntity"][];
                };
            };
        };
    };
    ProjectMembersController_getEffective: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                user_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MemberEntity"];
                };
            };
        };
    };
    CleanupPoliciesController_runs: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CleanupRunEntity"][];
                };
            };
        };
    };
    CleanupPoliciesController_runNow: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CleanupRunEntity"];
                };
            };
        };
    };
    RepositoryProtectionRulesController_list: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Forbidden: the role or token scope does not allow it */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Project, group, repository or tag not found (or not visible) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    RepositoryProtectionRulesController_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RepositoryRuleDto"];
            };
        };
        responses: {
            /** @description Bad request: `{"error": "<param> ..."}` or `{"message": "..."}` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Forbidden: the role or token scope does not allow it */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Project, group, repository or tag not found (or not visible) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    RepositoryProtectionRulesController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                protection_rule_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Forbidden: the role or token scope does not allow it */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Project, group, repository or tag not found (or not visible) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    RepositoryProtectionRulesController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                protection_rule_id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RepositoryRuleDto"];
            };
        };
        responses: {
            /** @description Bad request: `{"error": "<param> ..."}` or `{"message": "..."}` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Forbidden: the role or token scope does not allow it */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Project, group, repository or tag not found (or not visible) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    TagProtectionRulesController_list: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Forbidden: the role or token scope does not allow it */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Project, group, repository or tag not found (or not visible) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    TagProtectionRulesController_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TagRuleDto"];
            };
        };
        responses: {
            /** @description Bad request: `{"error": "<param> ..."}` or `{"message": "..."}` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Forbidden: the role or token scope does not allow it */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Project, group, repository or tag not found (or not visible) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    TagProtectionRulesController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                protection_rule_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Forbidden: the role or token scope does not allow it */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Project, group, repository or tag not found (or not visible) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    TagProtectionRulesController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                protection_rule_id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TagRuleDto"];
            };
        };
        responses: {
            /** @description Bad request: `{"error": "<param> ..."}` or `{"message": "..."}` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Forbidden: the role or token scope does not allow it */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Project, group, repository or tag not found (or not visible) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ProjectRegistryController_list: {
        parameters: {
            query?: {
                /** @description Page number (default 1). */
                page?: number;
                /** @description Items per page (default 20, at most 100). */
                per_page?: number;
                /** @description Include every tag of each repository. */
                tags?: boolean;
                /** @description Include the number of tags of each repository. */
                tags_count?: boolean;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RepositoryEntity"][];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Forbidden: the role or token scope does not allow it */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Project, group, repository or tag not found (or not visible) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    CleanupPoliciesController_updateRepository: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                repository_id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RepositoryPolicyDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ProjectRegistryController_deleteRepository: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                repository_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The repository is delete_scheduled; the worker removes it */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Forbidden: the role or token scope does not allow it */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Project, group, repository or tag not found (or not visible) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    CleanupPreviewController_preview: {
        parameters: {
            query?: {
                /** @description How many of the newest matching tags to keep. */
                keep_n?: number;
                /** @description Ours: keep the N matching tags pulled most recently (tags never pulled are not among them). */
                keep_n_recently_pulled?: number;
                /** @description Ours: keep every matching tag pulled within this age, in older_than's forms: `7d`, `2 days`, `1month`. */
                keep_pulled_within?: string;
                /**
                 * @deprecated
                 * @description Deprecated: use name_regex_delete.
                 */
                name_regex?: string;
                /** @description RE2 regex of the tag names to delete (the whole name must match); `.*` deletes all. */
                name_regex_delete?: string;
                /** @description RE2 regex of tag names to keep; wins over name_regex_delete. */
                name_regex_keep?: string;
                /** @description Only delete tags older than this: `1h`, `7d`, `1month`. */
                older_than?: string;
            };
            header?: never;
            path: {
                id: string;
                repository_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CleanupPreviewEntity"];
                };
            };
        };
    };
    DeletedTagsController_list: {
        parameters: {
            query?: {
                /** @description Only deleted tags whose name contains this text (case-insensitive). */
                name?: string;
                /** @description Page number (default 1). */
                page?: number;
                /** @description Items per page (default 20, at most 100). */
                per_page?: number;
            };
            header?: never;
            path: {
                id: string;
                repository_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeletedTagEntity"][];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Forbidden: the role or token scope does not allow it */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Project, group, repository or tag not found (or not visible) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ProjectRegistryController_tags: {
        parameters: {
            query?: {
                /** @description Ours, offset pagination only: each tag also carries its TagDetails (revision, short_revision, digest, created_at, total_size, manifest pulls), read in the page's one query. */
                details?: boolean;
                /** @description Keyset pagination: the last tag name of the previous page. */
                last?: string;
                /** @description Only tags whose name contains this text (case-insensitive). */
                name?: string;
                /** @description name (default); ours, offset pagination only: created_at (newest first with sort=desc, its default; ties by name) or last_pulled_at (most recently pulled first with sort=desc, its default; never-pulled tags last). */
                order_by?: "name" | "created_at" | "last_pulled_at";
                /** @description Page number (default 1). */
                page?: number;
                /** @description keyset: pages by tag name with a Link rel="next" header (fast at any depth). */
                pagination?: "keyset" | "offset";
                /** @description Items per page (default 20, at most 100). */
                per_page?: number;
                /** @description The direction of order_by: asc by default for name, desc for created_at and last_pulled_at. */
                sort?: "asc" | "desc";
            };
            header?: never;
            path: {
                id: string;
                repository_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description With `details=true` (ours) each tag is a TagDetailsEntity. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ListedTagEntity"][];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Forbidden: the role or token scope does not allow it */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Project, group, repository or tag not found (or not visible) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ProjectRegistryController_bulkDelete: {
        parameters: {
            query?: {
                /** @description How many of the newest matching tags to keep. */
                keep_n?: number;
                /** @description Ours: keep the N matching tags pulled most recently (tags never pulled are not among them). */
                keep_n_recently_pulled?: number;
                /** @description Ours: keep every matching tag pulled within this age, in older_than's forms: `7d`, `2 days`, `1month`. */
                keep_pulled_within?: string;
                /**
                 * @deprecated
                 * @description Deprecated: use name_regex_delete.
                 */
                name_regex?: string;
                /** @description RE2 regex of the tag names to delete (the whole name must match); `.*` deletes all. */
                name_regex_delete?: string;
                /** @description RE2 regex of tag names to keep; wins over name_regex_delete. */
                name_regex_keep?: string;
                /** @description Only delete tags older than this: `1h`, `7d`, `1month`. */
                older_than?: string;
            };
            header?: never;
            path: {
                id: string;
                repository_id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["BulkDeleteTagsDto"];
            };
        };
        responses: {
            /** @description Validated and handed to the worker */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad request: `{"error": "<param> ..."}` or `{"message": "..."}` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Forbidden: the role or token scope does not allow it */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Project, group, repository or tag not found (or not visible) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ProjectRegistryController_tag: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                repository_id: number;
                tag_name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TagDetailsEntity"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Forbidden: the role or token scope does not allow it */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Project, group, repository or tag not found (or not visible) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ProjectRegistryController_deleteTag: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                repository_id: number;
                tag_name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Forbidden: the role or token scope does not allow it */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Project, group, repository or tag not found (or not visible) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    TagManifestController_manifest: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                repository_id: number;
                tag_name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TagManifestEntity"];
                };
            };
        };
    };
    DeletedTagsController_restore: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                repository_id: number;
                tag_name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RestoreTagDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TagDetailsEntity"];
                };
            };
            /** @description The tag is back */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad request: `{"error": "<param> ..."}` or `{"message": "..."}` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Forbidden: the role or token scope does not allow it */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Project, group, repository or tag not found (or not visible) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Conflict: the tag name is taken again */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Gone: the deleted tag is past its restore window, or its manifest was deleted */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ProjectRegistryController_statistics: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RegistryUsageEntity"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Forbidden: the role or token scope does not allow it */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Project, group, repository or tag not found (or not visible) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    RegistryRepositoriesController_search: {
        parameters: {
            query?: {
                /** @description Page number (default 1). */
                page?: number;
                /** @description Items per page (default 20, at most 100). */
                per_page?: number;
                /** @description Part of the image path (case-insensitive). Without it, every repository the caller can pull from. */
                search?: string;
                /** @description Include the number of tags of each repository. */
                tags_count?: boolean;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RepositoryEntity"][];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    RegistryRepositoriesController_get: {
        parameters: {
            query?: {
                /** @description Include the deduplicated size in bytes of the blobs the repository holds. */
                size?: boolean;
                /** @description Include every tag. */
                tags?: boolean;
                /** @description Include the number of tags. */
                tags_count?: boolean;
            };
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RepositoryEntity"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Forbidden: the role or token scope does not allow it */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Project, group, repository or tag not found (or not visible) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    SessionController_current: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionEntity"];
                };
            };
        };
    };
    SessionController_signIn: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionEntity"];
                };
            };
        };
    };
    SessionController_signOut: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    UsersController_current: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    PersonalAccessTokensController_createForSelf: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreatePersonalAccessTokenDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PersonalAccessTokenEntity"];
                };
            };
        };
    };
    UsersController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    UsersController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateUserDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    UsersController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    UsersController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateUserDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    UsersController_delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    UsersController_block: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    UsersController_unblock: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    PersonalAccessTokensController_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                user_id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreatePersonalAccessTokenDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PersonalAccessTokenEntity"];
                };
            };
        };
    };
    MetadataController_version: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    VirtualRegistriesController_removeEntry: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    VirtualRegistriesController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    VirtualRegistriesController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    VirtualRegistriesController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RegistryBodyDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    VirtualRegistriesController_purgeRegistry: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    VirtualRegistriesController_registryUpstreams: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    VirtualRegistriesController_createUpstream: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpstreamBodyDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    VirtualRegistriesController_associate: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AssociationBodyDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    VirtualRegistriesController_disassociate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    VirtualRegistriesController_move: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PositionBodyDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    VirtualRegistriesController_getUpstream: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    VirtualRegistriesController_removeUpstream: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    VirtualRegistriesController_updateUpstream: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpstreamBodyDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    VirtualRegistriesController_purgeUpstream: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    VirtualRegistriesController_cacheEntries: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    JwtAuthController_auth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    HealthController_metrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
}
