"""
Drives cargohold's REST API with Debian's python-gitlab (3.12), exactly as a user's automation would: no
workaround for content types, booleans or field shapes. Run by test/e2e/gitlab-python-client.e2e-spec.ts.

Usage: python3 -W error::UserWarning gitlab_script.py <phase>   (phase: setup | registry | left | rotate)
Environment: GITLAB_URL (the platform's base URL), GITLAB_TOKEN (an administrator's personal access token),
and for the registry phase PROJECT_PATH (the project whose registry the test pushed images to).

Prints one JSON object with what it observed; the jest test asserts on it. Any exception exits non-zero
(Python's default), with the traceback on stderr; so does any warning python-gitlab raises (a base URL that
differs from the server's web_url, a list cut at one page) when run with -W error::UserWarning.
"""
import datetime
import json
import os
import sys

import gitlab

URL = os.environ["GITLAB_URL"]
TOKEN = os.environ["GITLAB_TOKEN"]
EXPIRES = "2999-01-01"


def client(token=TOKEN):
    return gitlab.Gitlab(URL, private_token=token)


def names(objects, attr="name"):
    return sorted(getattr(o, attr) for o in objects)


def token_states(tokens):
    """GitLab keeps revoked access tokens in its lists (active false, revoked true)."""
    return sorted(({"name": t.name, "active": t.active, "revoked": t.revoked} for t in tokens), key=lambda t: t["name"])


def setup():
    gl = client()
    out = {"python_gitlab": gitlab.__version__}

    gl.auth()
    out["auth"] = {"username": gl.user.username, "is_admin": gl.user.is_admin}
    out["version"] = list(gl.version())

    # Groups with a subgroup, and one project in each.
    # Internal groups, so that a project inside may be made internal later (GitLab's rule: not above its group).
    team = gl.groups.create({"name": "Team", "path": "team", "visibility": "internal"})
    backend = gl.groups.create({"name": "Backend", "path": "backend", "parent_id": team.id, "visibility": "internal"})
    fetched = gl.groups.get("team/backend")
    out["subgroup"] = {"id": fetched.id, "full_path": fetched.full_path, "parent_id": fetched.parent_id, "same": fetched.id == backend.id}

    web = gl.projects.create({"name": "web", "path": "web", "namespace_id": team.id})
    api = gl.projects.create({"name": "api", "path": "api", "namespace_id": backend.id})
    out["project_api"] = {"id": api.id, "path_with_namespace": api.path_with_namespace}
    got = gl.projects.get(api.id)
    by_path = gl.projects.get("team/backend/api")
    out["project_get"] = {"by_id": got.path_with_namespace, "by_path_id": by_path.id}

    team = gl.groups.get(team.id)
    out["team_subgroups"] = names(team.subgroups.list())
    out["team_descendants"] = names(team.descendant_groups.list(), "full_path")
    out["team_projects_direct"] = names(team.projects.list(), "path_with_namespace")
    out["team_projects_all"] = names(team.projects.list(include_subgroups=True), "path_with_namespace")
    out["owned_projects"] = names(gl.projects.list(owned=True), "path_with_namespace")

    # Pagination as python-gitlab reads it: X-Total/X-Total-Pages on a lazy list, the Link header's next URL
    # followed by get_all and by the iterator.
    lazy = gl.projects.list(per_page=1, iterator=True)
    out["pagination"] = {
        "total": lazy.total,
        "total_pages": lazy.total_pages,
        "iterated": sorted(p.path_with_namespace for p in lazy),
        "get_all": names(gl.projects.list(per_page=1, get_all=True), "path_with_namespace"),
        "filtered": names(gl.projects.list(visibility="private", order_by="name", sort="asc", simple=True), "path_with_namespace"),
    }

    # A user, made a member of the project and of the parent group.
    alice = gl.users.create({"username": "alice", "email": "alice@example.com", "name": "Alice", "password": "alice-password-1234"})
    api.members.create({"user_id": alice.id, "access_level": gitlab.const.DEVELOPER_ACCESS})
    team.members.create({"user_id": alice.id, "access_level": gitlab.const.MAINTAINER_ACCESS})
    out["project_members"] = [{"username": m.username, "access_level": m.access_level} for m in api.members.list() if m.username == "alice"]
    out["group_members"] = [{"username": m.username, "access_level": m.access_level} for m in team.members.list() if m.username == "alice"]
    out["users_by_username"] = names(gl.users.list(username="alice"), "username")
    out["project_members_all"] = sorted(
        ({"username": m.username, "access_level": m.access_level} for m in api.members_all.list()), key=lambda m: m["username"]
    )
    effective = api.members_all.get(alice.id)
    out["alice_effective"] = effective.access_level

    # A member edited and removed through the object, as python-gitlab's docs show.
    bob = gl.users.create({"username": "bob", "email": "bob@example.com", "name": "Bob", "password": "bob-password-1234"})
    member = web.members.create({"user_id": bob.id, "access_level": gitlab.const.REPORTER_ACCESS})
    member.access_level = gitlab.const.DEVELOPER_ACCESS
    member.save()
    out["bob_after_save"] = web.members.get(bob.id).access_level
    member.delete()
    out["web_members_after_delete"] = names(web.members.list(), "username")
    # A membership with an expiry, read back directly and through the group's members_all.
    dated = api.members.create({"user_id": bob.id, "access_level": gitlab.const.GUEST_ACCESS, "expires_at": "2999-12-31"})
    out["dated_member"] = {"created": dated.expires_at, "get": api.members.get(bob.id).expires_at}
    out["team_members_all"] = names(team.members_all.list(get_all=True), "username")
    # A project in the caller's own namespace from a name alone: GitLab derives the path.
    mine = gl.projects.create({"name": "My Tool"})
    out["personal_project"] = {"path": mine.path, "path_with_namespace": mine.path_with_namespace, "namespace_kind": mine.namespace["kind"]}
    gl.projects.delete(mine.id)
    out["user_search"] = names(gl.users.list(search="ali"), "username")
    out["top_level_groups"] = names(gl.groups.list(top_level_only=True), "full_path")
    out["namespace_search"] = names(gl.namespaces.list(search="backend"), "full_path")
    out["current_user"] = {"username": gl.user.username, "id_matches": gl.users.get(gl.user.id).username == gl.user.username}
    out["user_get"] = gl.users.get(bob.id).username
    out["bob_block"] = [bob.block(), gl.users.get(bob.id).state, bob.unblock(), gl.users.get(bob.id).state]
    out["group_search"] = names(gl.groups.list(search="backend"), "full_path")
    out["project_search"] = names(gl.projects.list(search="web"), "path_with_namespace")

    # Webhooks of a project: create, get, edit, delete. The receiver is on loopback (the test machine has no DNS),
    # which the application settings must allow first, edited through python-gitlab's settings object.
    settings = gl.settings.get()
    settings.allow_local_requests_from_web_hooks_and_services = True
    settings.save()
    out["settings_allow_local"] = gl.settings.get().allow_local_requests_from_web_hooks_and_services
    hook = api.hooks.create({"url": "http://127.0.0.1:9/registry", "push_events": False, "enable_ssl_verification": True})
    hook.url = "http://127.0.0.1:9/registry2"
    hook.save()
    out["hook"] = {"url": api.hooks.get(hook.id).url, "listed": len(api.hooks.list())}
    hook.delete()
    out["hook"]["after_delete"] = len(api.hooks.list())

    # Personal access tokens: created for alice by the administrator, listed, used, deleted.
    pat = alice.personal_access_tokens.create({"name": "alice-ci", "scopes": ["api", "read_registry"], "expires_at": EXPIRES})
    as_alice = client(pat.token)
    as_alice.auth()
    out["pat"] = {
        "name": pat.name,
        "scopes": sorted(pat.scopes),
        "user": as_alice.user.username,
        "listed": names(gl.personal_access_tokens.list(user_id=alice.id)),
        # Without user_id an administrator lists the instance's tokens.
        "listed_by_admin": "alice-ci" in names(gl.personal_access_tokens.list(get_all=True)),
    }
    gl.personal_access_tokens.delete(pat.id)
    out["pat"]["after_delete"] = token_states(gl.personal_access_tokens.list(user_id=alice.id))

    # Project access token: its bot user sees the project.
    pat_project = api.access_tokens.create(
        {"name": "api-bot", "scopes": ["api", "read_registry"], "access_level": gitlab.const.MAINTAINER_ACCESS, "expires_at": EXPIRES}
    )
    as_bot = client(pat_project.token)
    out["project_access_token"] = {
        "name": pat_project.name,
        "access_level": pat_project.access_level,
        "sees": as_bot.projects.get(api.id).path_with_namespace,
        "listed": names(api.access_tokens.list()),
    }
    api.access_tokens.delete(pat_project.id)
    out["project_access_token"]["after_delete"] = token_states(api.access_tokens.list())

    # Group access token: its bot user sees the subgroup's project through the group.
    gat = team.access_tokens.create(
        {"name": "team-bot", "scopes": ["read_api"], "access_level": gitlab.const.REPORTER_ACCESS, "expires_at": EXPIRES}
    )
    out["group_access_token"] = {
        "name": gat.name,
        "sees": client(gat.token).projects.get("team/backend/api").path_with_namespace,
        "listed": names(team.access_tokens.list()),
    }
    team.access_tokens.delete(gat.id)
    out["group_access_token"]["after_delete"] = token_states(team.access_tokens.list())

    # Deploy tokens, project and group: create, list, get, delete (gone from the list afterwards).
    deploy = {}
    for kind, owner in (("project", api), ("group", team)):
        token = owner.deploytokens.create({"name": f"{kind}-deploy", "scopes": ["read_registry"], "expires_at": EXPIRES, "username": f"{kind}-puller"})
        fetched = owner.deploytokens.get(token.id)
        listed = names(owner.deploytokens.list())
        owner.deploytokens.delete(token.id)
        deploy[kind] = {
            "name": fetched.name,
            "username": token.username,
            "scopes": fetched.scopes,
            "has_secret": bool(token.token),
            "listed": listed,
            "after_delete": [{"name": t.name, "revoked": t.revoked} for t in owner.deploytokens.list()],
        }
    out["deploy_tokens"] = deploy
    out["instance_deploy_tokens"] = [t.name for t in gl.deploytokens.list(get_all=True) if not t.revoked]

    # A group's default cleanup policy through group.save(): the answer is the whole group, which python-gitlab
    # takes as the object's new attributes.
    team.container_expiration_policy_attributes = {"enabled": True, "keep_n": 10}
    team.save()
    out["group_after_save"] = {"name": team.name, "full_path": team.full_path, "policy_keep_n": team.container_expiration_policy["keep_n"]}

    out["audit_events"] = {
        "project": len(api.audit_events.list()) > 0,
        "group": len(team.audit_events.list()) > 0,
        "instance": len(gl.audit_events.list()) > 0,
    }
    out["namespaces"] = names(gl.namespaces.list(), "full_path")
    out["namespace_get"] = gl.namespaces.get("team/backend").kind

    # Errors as python-gitlab raises them: the status code and GitLab's message parsed from the JSON body.
    errors = {}
    for name, call in (
        ("missing_project", lambda: gl.projects.get("team/nope")),
        ("duplicate_group", lambda: gl.groups.create({"name": "Team", "path": "team"})),
        ("bad_token", lambda: client("glpat-not-a-token").auth()),
    ):
        try:
            call()
            errors[name] = None
        except gitlab.exceptions.GitlabError as error:
            errors[name] = {"type": type(error).__name__, "code": error.response_code, "message": error.error_message}
    out["errors"] = errors

    # A project deleted through python-gitlab (202); gone from its group afterwards.
    gl.projects.delete(web.id)
    out["team_projects_after_delete"] = names(gl.groups.get(team.id).projects.list(include_subgroups=True), "path_with_namespace")
    return out


def registry():
    gl = client()
    project = gl.projects.get(os.environ["PROJECT_PATH"])
    out = {}

    # python-gitlab sends these booleans as True, as GitLab's Grape accepts them.
    # (The embedded tags are in attributes: python-gitlab names the tag manager .tags.)
    repositories = project.repositories.list(tags=True, tags_count=True)
    out["repositories"] = sorted(
        ({"path": r.path, "tags_count": r.tags_count, "tags": sorted(t["name"] for t in r.attributes["tags"])} for r in repositories), key=lambda r: r["path"]
    )
    repository = next(r for r in repositories if r.path == project.path_with_namespace)
    single = gl.registry_repositories.get(repository.id, size=True, tags=True)
    out["repository_get"] = {"path": single.path, "size_positive": single.size > 0}
    group = gl.groups.get(project.namespace["id"])
    out["group_repositories"] = names(group.registry_repositories.list(), "path")

    # A whole repository (image) deleted through the project, as GitLab's DELETE answers 202 and the worker removes it.
    extra = next(r for r in repositories if r.path != project.path_with_namespace)
    project.repositories.delete(extra.id)
    tags = repository.tags.list(per_page=2, get_all=True)
    out["tags"] = names(tags)

    tag = repository.tags.get("v1")
    out["tag_v1"] = {"name": tag.name, "digest": tag.digest, "total_size": tag.total_size}
    tag.delete()
    out["tags_after_delete"] = names(repository.tags.list(get_all=True))

    repository.tags.delete_in_bulk(name_regex_delete=".*", keep_n=1)

    # The cleanup policy, as python-gitlab's docs show it: assign, save (PUT with only that attribute), re-get.
    project.container_expiration_policy_attributes = {"enabled": True, "cadence": "1d", "keep_n": 5, "older_than": "14d", "name_regex": ".*"}
    project.save()
    policy = gl.projects.get(project.id).container_expiration_policy
    out["policy"] = {k: policy[k] for k in ("enabled", "cadence", "keep_n", "older_than", "name_regex")}

    # GitLab's other project fields through the same save(): only the changed attributes are sent, and the answer
    # (the whole project) replaces the object's attributes.
    project.name = "API service"
    project.description = "The backend API"
    project.visibility = "internal"
    project.container_registry_access_level = "private"
    project.save()
    saved = {"name": project.name, "path": project.path, "description": project.description}
    edited = gl.projects.get(project.id)
    out["project_edit"] = {
        "saved": saved,
        "name": edited.name,
        "description": edited.description,
        "visibility": edited.visibility,
        "container_registry_access_level": edited.container_registry_access_level,
        "policy_kept": edited.container_expiration_policy["keep_n"],
    }

    statistics = gl.projects.get(project.id, statistics=True).statistics
    out["statistics"] = {"container_registry_size": statistics["container_registry_size"], "storage_size": statistics["storage_size"]}

    out["events"] = sorted({(e.action_name, e.author_username) for e in project.events.list(get_all=True)})
    out["user_events"] = sorted({e.action_name for e in gl.events.list(get_all=True)})
    out["pushed_events"] = sorted({e.action_name for e in project.events.list(action="pushed", sort="asc", get_all=True)})
    return out


def registry_left():
    """What the worker left after delete_in_bulk and the repository delete."""
    gl = client()
    project = gl.projects.get(os.environ["PROJECT_PATH"])
    repositories = project.repositories.list()
    repository = next(r for r in repositories if r.path == project.path_with_namespace)
    return {"repositories": names(repositories, "path"), "tags": names(repository.tags.list(get_all=True))}


def in_days(days):
    """A date as the server counts them (UTC), as YYYY-MM-DD."""
    return (datetime.datetime.now(datetime.timezone.utc).date() + datetime.timedelta(days=days)).isoformat()


def user_status(token):
    """What GET /user answers to a token: 200, or python-gitlab's error code (401 for a revoked token)."""
    try:
        client(token).http_get("/user")
        return 200
    except gitlab.exceptions.GitlabError as error:
        return error.response_code


def rotate():
    """Token rotation. python-gitlab 3.12 has no rotate method, so this goes through http_post to
    GitLab's documented routes, as a 3.12 user would. Runs after setup (alice, team, team/backend/api exist).

    The administrator's bootstrap token never expires, so what it rotates gets GitLab's default week; a token
    rotating itself or another token never gives the successor a later expiry than its own (docs/security.md)."""
    gl = client()
    alice = gl.users.list(username="alice")[0]
    api = gl.projects.get("team/backend/api")
    team = gl.groups.get("team")
    out = {"today": in_days(0)}

    def described(rotated, old):
        return {
            "name": rotated["name"],
            "scopes": sorted(rotated["scopes"]),
            "expires_at": rotated["expires_at"],
            "new_id": rotated["id"] != old.id,
            "old_status": user_status(old.token),
            "new_status": user_status(rotated["token"]),
        }

    # A personal access token rotated by an administrator: same name and scopes, a new id and secret.
    pat = alice.personal_access_tokens.create({"name": "alice-rotating", "scopes": ["api", "read_registry"], "expires_at": EXPIRES})
    rotated = gl.http_post(f"/personal_access_tokens/{pat.id}/rotate")
    out["pat"] = described(rotated, pat)
    # The successor's own view of itself: its scopes, and whose it is.
    as_new = client(rotated["token"])
    out["pat"]["self_scopes"] = sorted(as_new.http_get("/personal_access_tokens/self")["scopes"])
    as_new.auth()
    out["pat"]["user"] = as_new.user.username

    # An explicit expiry (within GitLab's year), then self-rotation with the token just handed out: without
    # expires_at the default week is cut back to the rotating token's own expiry; a later date is refused.
    dated = gl.http_post(f"/personal_access_tokens/{rotated['id']}/rotate", post_data={"expires_at": in_days(3)})
    out["pat_dated"] = {"expires_at": dated["expires_at"], "previous_status": user_status(rotated["token"])}
    try:
        client(dated["token"]).http_post("/personal_access_tokens/self/rotate", post_data={"expires_at": in_days(4)})
        out["pat_self_later"] = None
    except gitlab.exceptions.GitlabHttpError as error:
        out["pat_self_later"] = {"code": error.response_code, "message": error.error_message}
    own = client(dated["token"]).http_post("/personal_access_tokens/self/rotate")
    out["pat_self"] = {
        "name": own["name"],
        "scopes": sorted(own["scopes"]),
        "expires_at": own["expires_at"],
        "previous_status": user_status(dated["token"]),
        "new_status": user_status(own["token"]),
    }
    out["pat_listed"] = token_states(t for t in gl.personal_access_tokens.list(user_id=alice.id, get_all=True) if t.name == "alice-rotating")

    # Project and group access tokens: rotated by the administrator (a week), and by an administrator's token that
    # expires in 5 days (cut back to it). Created by a token, so they need expires_at.
    gl.auth()
    root_short = gl.users.get(gl.user.id).personal_access_tokens.create({"name": "root-short", "scopes": ["api"], "expires_at": in_days(5)})
    for kind, owner, path in (("project", api, f"/projects/{api.id}"), ("group", team, f"/groups/{team.id}")):
        token = owner.access_tokens.create({"name": f"{kind}-rotating", "scopes": ["read_api", "read_registry"], "access_level": gitlab.const.REPORTER_ACCESS, "expires_at": EXPIRES})
        fresh = gl.http_post(f"{path}/access_tokens/{token.id}/rotate")
        out[kind] = {**described(fresh, token), "access_level": fresh["access_level"]}
        again = client(root_short.token).http_post(f"{path}/access_tokens/{fresh['id']}/rotate")
        out[kind] |= {
            "sees": client(again["token"]).projects.get(api.id).path_with_namespace,
            "by_short_token": {"expires_at": again["expires_at"], "scopes": sorted(again["scopes"]), "previous_status": user_status(fresh["token"])},
            "listed": token_states(t for t in owner.access_tokens.list(get_all=True) if t.name == f"{kind}-rotating"),
        }
    return out


PHASES = {"setup": setup, "registry": registry, "left": registry_left, "rotate": rotate}

if __name__ == "__main__":
    print(json.dumps(PHASES[sys.argv[1]](), default=str))
