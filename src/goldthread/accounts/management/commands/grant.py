"""goldthread grant USERNAME (--la CODE --role ROLE [--worker NAME] | --national ROLE --organisation ORG)
[--create] | --revoke (--la CODE | --national)"""

from __future__ import annotations

import getpass
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from goldthread.accounts.actions import grant_national_role, grant_role, revoke_national_role, revoke_role
from goldthread.accounts.models import NationalRole, Role
from goldthread.cliutil import find_council, refuse

NATIONAL_ROLES = [value for value, _ in NationalRole.ROLES]


class Command(BaseCommand):
    help = ("Give a person a role in a council, or a national role (DfE staff, a regional improvement alliance: "
            "a national editor keeps the intervention register); or take it away.")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--la", help="the council's ONS code, old LA code or name")
        parser.add_argument("--role", choices=[r.value for r in Role], help="the role to give in the council")
        parser.add_argument("--worker", default="", help="a practitioner's name as Annex A's Allocated Worker")
        parser.add_argument("--national", nargs="?", const="", metavar="{reader,editor}",
                            help="give a national role instead of a council role (with --revoke: take it away)")
        parser.add_argument("--organisation", default="",
                            help="with --national: the person's organisation, for example 'DfE'")
        parser.add_argument("--create", action="store_true", help="create the account, asking for a password")
        parser.add_argument("--revoke", action="store_true", help="remove the person's role")

    def handle(self, *args, **options):
        national = options["national"]
        if (national is None) == (options["la"] is None):
            refuse("Say either --la CODE (a role in a council) or --national ROLE (a national role), not both.")
        if national is not None and not options["revoke"] and national not in NATIONAL_ROLES:
            refuse(f"Say which national role to give: --national {' or --national '.join(NATIONAL_ROLES)}.")
        council = find_council(options["la"]) if options["la"] is not None else None
        users = get_user_model()
        user = users.objects.filter(username=options["username"]).first()
        if user is None and (options["revoke"] or not options["create"]):
            refuse(f"There is no account '{options['username']}': add --create to create it.")
        if options["revoke"]:
            if council is None:
                had = revoke_national_role(user)
                self.stdout.write(f"{user} no longer has a national role." if had
                                  else f"{user} had no national role.")
            else:
                revoke_role(user, council)
                self.stdout.write(f"{user} no longer has a role in {council}.")
            return
        if council is not None and not options["role"]:
            refuse("Say which role to give with --role.")
        if council is None and not options["organisation"].strip():
            refuse("Say which organisation the person works for with --organisation, for example 'DfE'.")
        if user is None:
            password = sys.stdin.readline().strip() if not sys.stdin.isatty() else getpass.getpass("Password: ")
            try:
                validate_password(password)
            except ValidationError as exc:
                refuse(" ".join(exc.messages))
            user = users.objects.create_user(options["username"], password=password)
        if council is None:
            self.stdout.write(str(grant_national_role(user, national, organisation=options["organisation"])) + ".")
            return
        membership = grant_role(user, council, options["role"], worker_name=options["worker"])
        self.stdout.write(str(membership) + ".")
