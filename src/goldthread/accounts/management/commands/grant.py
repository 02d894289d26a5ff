"""goldthread grant USERNAME --la CODE --role ROLE [--create] [--worker NAME] | --revoke"""

from __future__ import annotations

import getpass
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from goldthread.accounts.actions import grant_role, revoke_role
from goldthread.accounts.models import Role
from goldthread.cliutil import find_council, refuse


class Command(BaseCommand):
    help = "Give a person a role in a council (or take it away)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--la", required=True, help="the council's ONS code, old LA code or name")
        parser.add_argument("--role", choices=[r.value for r in Role], help="the role to give")
        parser.add_argument("--worker", default="", help="a practitioner's name as Annex A's Allocated Worker")
        parser.add_argument("--create", action="store_true", help="create the account, asking for a password")
        parser.add_argument("--revoke", action="store_true", help="remove the person's role in the council")

    def handle(self, *args, **options):
        council = find_council(options["la"])
        users = get_user_model()
        user = users.objects.filter(username=options["username"]).first()
        if user is None and not options["create"]:
            refuse(f"There is no account '{options['username']}': add --create to create it.")
        if options["revoke"]:
            revoke_role(user, council)
            self.stdout.write(f"{user} no longer has a role in {council}.")
            return
        if not options["role"]:
            refuse("Say which role to give with --role.")
        if user is None:
            password = sys.stdin.readline().strip() if not sys.stdin.isatty() else getpass.getpass("Password: ")
            try:
                validate_password(password)
            except ValidationError as exc:
                refuse(" ".join(exc.messages))
            user = users.objects.create_user(options["username"], password=password)
        membership = grant_role(user, council, options["role"], worker_name=options["worker"])
        self.stdout.write(str(membership) + ".")
