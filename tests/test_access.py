"""The rules of who may write what (``cs_metrics.access``): ranks, scopes and the refusal texts."""

from __future__ import annotations

import pytest

from cs_metrics.access import LOCAL, RIGHTS, ROLES, Actor, Refused, can, check, refusal


def person(role: str, teams=(), departments=(), email=None, name="") -> Actor:
    return Actor(email or f"{role}@example.com", name, role, frozenset(teams), frozenset(departments))


# The table of the issue: which role may make each write anywhere (scope left out asks "at all").
# Expected rows written out from the role list: viewer writes nothing; member assesses,
# logs meetings, updates owned follow-ups; editor adds every follow-up, churn calls, drafts,
# board packs; admin everything.
AT_ALL = {
    "viewer": set(),
    "member": {"maturity.assess", "meetings.edit", "nps.follow_up", "health.plan"},
    "editor": {"maturity.assess", "meetings.edit", "nps.follow_up", "health.plan", "churn.follow_up", "health.draft",
               "boardpack.save", "alerts.edit"},
    "admin": set(RIGHTS),
}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_may_make_exactly_its_writes(role):
    who = person(role, teams=("Support",), departments=("Service",))
    assert {a for a in RIGHTS if can(who, a)} == AT_ALL[role]


def test_the_local_user_may_do_everything_and_assess_any_team():
    assert all(can(LOCAL, a) for a in RIGHTS)
    assert can(LOCAL, "maturity.assess", team="Any team at all")


def test_refusal_names_the_role_that_may():
    assert refusal(person("viewer"), "data.clear") == (
        "Only an admin may clear all data; you are signed in as a viewer. Nothing was written.")
    assert refusal(person("member"), "churn.follow_up") == (
        "Only an editor or an admin may record a churn follow-up call; you are signed in as a member. "
        "Nothing was written.")
    with pytest.raises(Refused) as caught:
        check(person("editor"), "health.activate")
    assert caught.value.action == "health.activate"
    assert "Only an admin may activate a health model" in caught.value.message


def test_a_member_assesses_only_their_own_team_and_needs_one():
    mia = person("member", teams=("Support", "Sales ops"))
    assert can(mia, "maturity.assess", team="Support")
    assert refusal(mia, "maturity.assess", team="Finance") == (
        "You may assess only your own teams (Sales ops, Support), not Finance. Nothing was written.")
    lonely = person("admin")  # an admin too assesses only as a member of the team
    assert "ask an admin to add you to your team" in refusal(lonely, "maturity.assess", team="Support")
    assert refusal(person("viewer", teams=("Support",)), "maturity.assess", team="Support").startswith(
        "Only a member of the team")


def test_a_member_logs_meetings_of_their_department_an_editor_of_any():
    mia = person("member", departments=("Service",))
    assert can(mia, "meetings.edit", department="Service")
    assert refusal(mia, "meetings.edit", department="Sales") == (
        "A member may log, edit or delete a meeting only in their own department (yours: Service); an editor or an "
        "admin may for Sales. Nothing was written.")
    assert can(person("editor"), "meetings.edit", department="Sales")


def test_a_member_updates_only_follow_ups_they_own_by_email_or_name():
    mia = person("member", email="mia@example.com", name="Mia Rossi")
    assert can(mia, "nps.follow_up", owner="Mia Rossi")
    assert can(mia, "nps.follow_up", owner=" MIA@example.com ")
    assert "owned by Ann" in refusal(mia, "nps.follow_up", owner="Ann")
    assert "not assigned to you" in refusal(mia, "nps.follow_up", owner="")
    assert can(person("editor"), "nps.follow_up", owner="Ann")


def test_an_unknown_role_is_refused_at_construction():
    with pytest.raises(ValueError, match="Unknown role 'owner'"):
        Actor("x@example.com", "", "owner")


def test_role_allows_ignores_teams_but_not_rank():
    from cs_metrics.access import role_allows

    # A member in no team may assess "somewhere" (the form then tells them to join a team); a viewer never.
    assert role_allows(person("member"), "maturity.assess") and not role_allows(person("viewer"), "maturity.assess")
    assert role_allows(person("member"), "meetings.edit") and not role_allows(person("member"), "churn.follow_up")
    assert role_allows(LOCAL, "data.reset")


def test_everywhere_is_the_right_beyond_a_members_scope():
    from cs_metrics.access import everywhere

    assert not everywhere(person("member"), "meetings.edit") and everywhere(person("editor"), "meetings.edit")
    assert not everywhere(person("member"), "nps.follow_up") and everywhere(LOCAL, "nps.follow_up")
