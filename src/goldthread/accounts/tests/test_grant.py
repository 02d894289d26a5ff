"""goldthread grant: a role in a council, or a national role; and taking either away."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from goldthread.accounts.access import may_edit_register, may_read_all_proposals
from goldthread.accounts.models import Membership, NationalRole
from goldthread.conftest import NORTHBY


def grant(*args) -> str:
    out = io.StringIO()
    call_command("grant", *args, stdout=out)
    return out.getvalue().strip()


def refused(capsys, *args) -> str:
    with pytest.raises(SystemExit) as stopped:
        call_command("grant", *args)
    assert stopped.value.code == 2
    return capsys.readouterr().err.strip()


def test_grant_gives_and_takes_a_national_role(councils, people):
    nat = people["national"]
    assert not may_edit_register(nat)
    assert grant("nat", "--national", "editor", "--organisation", "DfE") == "nat is national editor (DfE)."
    assert may_edit_register(nat) and NationalRole.objects.get(user=nat).organisation == "DfE"
    assert not Membership.objects.filter(user=nat).exists()  # no council role comes with it
    assert grant("nat", "--national", "reader", "--organisation", "North West RIA") == \
        "nat is national reader (North West RIA)."
    assert not may_edit_register(nat) and may_read_all_proposals(nat)
    assert NationalRole.objects.filter(user=nat).count() == 1
    assert grant("nat", "--revoke", "--national") == "nat no longer has a national role."
    assert not NationalRole.objects.exists() and not may_read_all_proposals(nat)
    assert grant("nat", "--revoke", "--national") == "nat had no national role."


def test_grant_still_gives_council_roles(councils, people):
    assert grant("nat", "--la", NORTHBY, "--role", "viewer") == "nat is viewer in Northby."
    assert Membership.objects.get(user=people["national"]).role == "viewer"
    assert grant("nat", "--la", NORTHBY, "--revoke") == "nat no longer has a role in Northby."
    assert not Membership.objects.filter(user=people["national"]).exists()


def test_grant_creates_a_national_editor_with_a_password_from_stdin(councils, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough passphrase here\n"))
    assert grant("dfe.adviser", "--national", "editor", "--organisation", "DfE", "--create") == \
        "dfe.adviser is national editor (DfE)."
    user = get_user_model().objects.get(username="dfe.adviser")
    assert user.check_password("a long enough passphrase here") and may_edit_register(user)


def test_grant_refuses_with_one_sentence(councils, people, capsys):
    assert "not both" in refused(capsys, "nat", "--la", NORTHBY, "--national", "editor", "--organisation", "DfE")
    assert "not both" in refused(capsys, "nat", "--role", "viewer")  # neither a council nor a national role
    assert refused(capsys, "nat", "--national", "boss", "--organisation", "DfE") == \
        "Say which national role to give: --national reader or --national editor."
    assert refused(capsys, "nat", "--national", "editor") == \
        "Say which organisation the person works for with --organisation, for example 'DfE'."
    assert "There is no account 'nobody'" in refused(capsys, "nobody", "--national", "editor", "--organisation", "DfE")
    assert "There is no account 'nobody'" in refused(capsys, "nobody", "--revoke", "--national")
    assert not NationalRole.objects.exists()
