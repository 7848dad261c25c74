"""sdk_check.py: the official Databricks Python SDK, unchanged, against
patrol-emulator (run by sdk.sh through the pysdk wrapper).

usage: sdk_check.py URL ADMIN_TOKEN ALICE_TOKEN SP_APPLICATION_ID

Each check prints one line, "PASS<TAB>what" or "FAIL<TAB>what<TAB>why";
sdk.sh turns them into TAP. A check that raises fails alone: the others
still run. Exit status 0 unless the script itself could not start.
"""
import sys
import traceback

from databricks.sdk import WorkspaceClient
from databricks.sdk.common.types.fieldmask import FieldMask
from databricks.sdk.errors import DatabricksError, PermissionDenied
from databricks.sdk.service.iam import AutoscopeState
from databricks.sdk.service.settings import (TokenAccessControlRequest,
                                             TokenInfo, TokenPermissionLevel)

URL, ADMIN, ALICE, SP_APP = sys.argv[1:5]
DAY = 86400


def client(token):
    return WorkspaceClient(host=URL, token=token, auth_type="pat")


w = client(ADMIN)
state = {}


def check(what):
    """Decorator: run the check now, report PASS or FAIL."""
    def run(fn):
        try:
            why = fn()
        except Exception as e:  # a failing call is a failing check
            why = "%s: %s" % (type(e).__name__, e)
            traceback.print_exc(file=sys.stderr)
        if why:
            print("FAIL\t%s\t%s" % (what, str(why).replace("\n", " ")[:300]))
        else:
            print("PASS\t%s" % what)
        sys.stdout.flush()
        return fn
    return run


@check("token_management.list() reads every token, autoscope states as enums")
def _():
    infos = list(w.token_management.list())
    state["count"] = len(infos)
    if len(infos) < 100:
        return "only %d tokens" % len(infos)
    states = {t.autoscope_state for t in infos if t.autoscope_state}
    if AutoscopeState.AUTOSCOPE_STATE_USER_SELECTED not in states:
        return "no USER_SELECTED among %s" % states
    if any(t.token_id is None or t.created_by_username is None for t in infos):
        return "a token without id or creator"


@check("tokens.create(autoscope_enabled=True) for 40 days: observed")
def _():
    r = w.tokens.create(comment="sdk observed", lifetime_seconds=40 * DAY,
                        autoscope_enabled=True)
    state["observed"] = r
    if r.token_info.autoscope_state != AutoscopeState.AUTOSCOPE_STATE_RUNNING:
        return r.token_info.autoscope_state


@check("a call with the new token is inferred as authentication")
def _():
    r = state["observed"]
    list(client(r.token_value).tokens.list())
    t = w.token_management.get(r.token_info.token_id).token_info
    if t.inferred_scopes != ["authentication"] or not t.last_used_day:
        return "inferred %s, last used %s" % (t.inferred_scopes, t.last_used_day)


@check("update_token_management(scopes) sets the scopes by hand")
def _():
    r = state["observed"]
    t = w.token_management.update_token_management(
        r.token_info.token_id, TokenInfo(scopes=["sql", "jobs"]),
        FieldMask(["scopes"]))
    if (t.autoscope_state != AutoscopeState.AUTOSCOPE_STATE_USER_SELECTED or
            t.scopes != ["sql", "jobs"]):
        return "%s %s" % (t.autoscope_state, t.scopes)


@check("get_permissions(): admins inherited, users CAN_USE")
def _():
    p = w.token_management.get_permissions()
    if p.object_id != "/authorization/tokens" or p.object_type != "tokens":
        return "%s %s" % (p.object_id, p.object_type)
    by = {(a.group_name or a.user_name or a.service_principal_name): a
          for a in p.access_control_list}
    admins = by["admins"].all_permissions[0]
    if not admins.inherited or admins.inherited_from_object != ["/authorization/"]:
        return admins
    if by["users"].all_permissions[0].permission_level != TokenPermissionLevel.CAN_USE:
        return by["users"]
    if SP_APP not in by or by[SP_APP].display_name != "etl-runner":
        return "no direct entry for the service principal"


@check("update_permissions() adds alice, with her display name")
def _():
    p = w.token_management.update_permissions(access_control_list=[
        TokenAccessControlRequest(user_name="alice@example.com",
                                  permission_level=TokenPermissionLevel.CAN_USE)])
    alice = [a for a in p.access_control_list if a.user_name == "alice@example.com"]
    if len(alice) != 1 or alice[0].display_name != "alice":
        return alice


@check("alice's own client creates and lists her tokens")
def _():
    a = client(ALICE)
    a.tokens.create(comment="alice sdk", lifetime_seconds=3600)
    if len(list(a.tokens.list())) != 2:
        return "alice lists %d" % len(list(a.tokens.list()))


@check("a non-admin may not read the permissions: PermissionDenied")
def _():
    try:
        client(ALICE).token_management.get_permissions()
    except PermissionDenied:
        return None
    return "no error"


@check("set_permissions() of the direct entries but alice's deletes her tokens")
def _():
    keep = []
    for a in w.token_management.get_permissions().access_control_list:
        direct = [p for p in a.all_permissions if not p.inherited]
        if direct and a.user_name != "alice@example.com":
            keep.append(TokenAccessControlRequest(
                user_name=a.user_name, group_name=a.group_name,
                service_principal_name=a.service_principal_name,
                permission_level=direct[0].permission_level))
    p = w.token_management.set_permissions(access_control_list=keep)
    if len(p.access_control_list) != len(keep) + 1:
        return "%d entries for %d" % (len(p.access_control_list), len(keep))
    left = list(w.token_management.list(created_by_username="alice@example.com"))
    if left:
        return "%d left" % len(left)
    try:
        list(client(ALICE).tokens.list())
    except DatabricksError:
        return None
    return "alice's token still authenticates"


@check("get_permission_levels(): CAN_USE among two")
def _():
    levels = w.token_management.get_permission_levels().permission_levels
    if len(levels) != 2 or levels[0].permission_level != TokenPermissionLevel.CAN_USE:
        return levels


@check("service_principals.list(filter=applicationId eq ...): exactly one")
def _():
    sps = list(w.service_principals.list(filter='applicationId eq "%s"' % SP_APP))
    if len(sps) != 1 or sps[0].display_name != "etl-runner" or sps[0].application_id != SP_APP:
        return sps
    state["sp_id"] = sps[0].id


@check("service_principals.list() pages through all of them")
def _():
    sps = list(w.service_principals.list(count=1))
    names = sorted(s.display_name for s in sps)
    if names != ["ci-deployer", "etl-runner", "sp-app-1"]:
        return names


@check("create_obo_token() for the service principal by application id")
def _():
    r = w.token_management.create_obo_token(application_id=SP_APP,
                                            lifetime_seconds=3600,
                                            comment="rotated")
    if not r.token_value.startswith("dapi") or str(r.token_info.owner_id) != state["sp_id"]:
        return "%s %s" % (r.token_info.owner_id, state.get("sp_id"))


@check("tokens.create(scopes=...) is set by hand; delete() revokes")
def _():
    r = w.tokens.create(comment="scoped", lifetime_seconds=3600, scopes=["sql"])
    if r.token_info.autoscope_state != AutoscopeState.AUTOSCOPE_STATE_USER_SELECTED:
        return r.token_info.autoscope_state
    w.tokens.delete(r.token_info.token_id)
    if any(t.token_id == r.token_info.token_id for t in w.tokens.list()):
        return "still listed"
