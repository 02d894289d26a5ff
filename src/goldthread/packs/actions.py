"""State changes for packs: asking for a pack (recorded and queued for the worker in one transaction), making it
(the worker's job, or the command line's, synchronously), and a council's pack settings and logo. Views, the
`goldthread pack` command and the worker call these; the rules are goldthread.accounts.access's."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from goldthread.accounts.access import (
    Access,
    access_for,
    may_configure_packs,
    may_generate_adviser_pack,
    may_generate_pack,
    may_see_pack_level,
)
from goldthread.accounts.models import display_name
from goldthread.core.packs.document import (
    AGGREGATE,
    CHILD_LEVEL,
    LEVELS,
    NAMED_WORKERS,
    Pack,
    TitlePage,
    long_date,
)
from goldthread.core.packs.kinds import FORMATS, KINDS, Kind

from . import render, sections
from .models import GeneratedPack, PackLogo, PackSettings

log = logging.getLogger(__name__)
Progress = Callable[[str, int, int], None]

COMMAND_NAME = "command line"
MAX_CONTACT_CHARS = 500


class PackRefused(Exception):
    """A pack that cannot be made as asked; ``str(exc)`` is one sentence for the person."""


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


# --------------------------------------------------------------------------- what goes in a pack


def kind_of(key: str) -> Kind:
    kind = KINDS.get(key)
    if kind is None or not kind.per_council:
        raise PackRefused(f"There is no pack called '{key}': choose one of "
                          f"{', '.join(k for k, v in KINDS.items() if v.per_council)}.")
    return kind


def settings_of(council, kind: Kind) -> PackSettings:
    """The council's choices for the kind (its defaults when it has made none), not saved."""
    found = PackSettings.objects.filter(council=council, kind=kind.key).first()
    return found or PackSettings(council=council, kind=kind.key, sections=kind.default_sections())


def chosen_sections(council, kind: Kind) -> list[str]:
    """The sections the council chose for the kind that can be built, in the kind's order."""
    built = set(sections.available(kind))
    return [key for key in kind.chosen(settings_of(council, kind).sections) if key in built]


def levels_for(access: Access | None, *, child_level: bool = False) -> frozenset[str]:
    """The levels of personal data a pack may hold: a person's follow their role; an operator's command holds
    aggregate figures and named workers, and children only when asked for (``child_level``)."""
    if access is not None:
        return frozenset(level for level in LEVELS if may_see_pack_level(access, level))
    return frozenset({AGGREGATE, NAMED_WORKERS} | ({CHILD_LEVEL} if child_level else set()))


def would_list_children(council, kind: Kind, levels: frozenset[str]) -> bool:
    """Whether a pack of the kind, made now with these levels, would hold a section listing children."""
    return CHILD_LEVEL in levels and any(kind.section(key).level == CHILD_LEVEL
                                         for key in chosen_sections(council, kind))


def resolve_as_at(as_at: dt.date | None) -> tuple[dt.date, bool]:
    """(the day, live): today's packs read the pages' live view; a past day only what was known by its end."""
    today = timezone.localdate()
    if as_at is None or as_at == today:
        return today, True
    if as_at > today:
        raise PackRefused(f"A pack cannot be as at a date still to come ({long_date(as_at)}): give today's date or "
                          "an earlier one.")
    return as_at, False


def _subtitle(council, as_at: dt.date, live: bool) -> str:
    from goldthread.plans.models import Visit

    meeting = Visit.objects.filter(council=council, kind=Visit.BOARD, date=as_at).first() if council else None
    if meeting is not None:
        return f"For the improvement board meeting of {long_date(as_at)}" + (f" ({meeting.title})" if meeting.title
                                                                             else "")
    return f"As at {long_date(as_at)}" + ("" if live else ": only what was known by the end of that day")


def document(council, kind: Kind, *, as_at: dt.date, live: bool, levels: frozenset[str], access: Access | None = None,
             options: dict | None = None, made_by: str = "", progress: Progress | None = None) -> Pack:
    """The pack as a document: its title page from the council's settings and logo, and its chosen sections that
    the levels allow, each built from the pages' functions."""
    kind_settings = settings_of(council, kind)
    logo = PackLogo.objects.filter(council=council).first()
    now = timezone.localtime()
    title = TitlePage(
        title=kind_settings.title or kind.title, council=council.name, subtitle=_subtitle(council, as_at, live),
        as_at=as_at, contact=kind_settings.contact, logo_png=bytes(logo.png) if logo else None,
        produced=f"Produced by goldthread on {long_date(now.date())} at {now:%H:%M}"
                 + (f" for {made_by}" if made_by else "") + ".")
    context = sections.Context(council=council, kind=kind, as_at=as_at, live=live, levels=levels, access=access,
                               options=options or {}, progress=progress)
    return Pack(kind.key, title, sections.build(context, chosen_sections(council, kind)))


def adviser_document(user, *, as_at: dt.date, live: bool, made_by: str = "",
                     progress: Progress | None = None) -> Pack:
    """The adviser's pack: every council the person has a role in, from the adviser's overview
    (goldthread.portal.overview), now or as known at the end of ``as_at``."""
    from goldthread.portal.overview import overview

    kind = KINDS["adviser"]
    if progress:
        progress("reading each council's figures", 0, 1)
    found = overview(user, known_at=None if live else as_at)
    names = [entry.council.name for entry in found.councils]
    now = timezone.localtime()
    title = TitlePage(
        title=kind.title, council=", ".join(names) if names else "No councils", subtitle=_subtitle(None, as_at, live),
        as_at=as_at, produced=f"Produced by goldthread on {long_date(now.date())} at {now:%H:%M}"
                              + (f" for {made_by}" if made_by else "") + ".")
    return Pack(kind.key, title, sections.adviser_sections(found, list(kind.keys), progress))


def render_pack(pack: Pack, fmt: str, kind: Kind) -> tuple[bytes, str]:
    """The file and its name."""
    if fmt not in FORMATS:
        raise PackRefused(f"There is no format '{fmt}': choose pdf, docx or xlsx.")
    return render.RENDERERS[fmt](pack), render.file_name(pack, fmt, kind.title)


# --------------------------------------------------------------------------- making packs


def _progress_for(pack_id: int) -> Progress:
    last = [0.0]

    def progress(stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] < 0.25 and done not in (total, 0):
            return  # at most four writes a second
        last[0] = now
        GeneratedPack.objects.filter(pk=pack_id).update(progress={"stage": stage, "done": done, "total": total})

    return progress


def _make(record: GeneratedPack, *, access: Access | None, levels: frozenset[str], progress: Progress | None) -> None:
    """Build, render and keep the pack's file on its record."""
    kind = KINDS[record.kind]
    started = time.monotonic()
    if kind.per_council:
        pack = document(record.council, kind, as_at=record.as_at, live=record.live, levels=levels, access=access,
                        options=record.options, made_by=record.requested_by_name, progress=progress)
    else:
        pack = adviser_document(record.requested_by, as_at=record.as_at, live=record.live,
                                made_by=record.requested_by_name, progress=progress)
    if progress:
        progress("building the sections", len(pack.sections), len(pack.sections))
        progress(f"writing the {FORMATS[record.format]} file", 0, 1)
    body, name = render_pack(pack, record.format, kind)
    version = None
    if record.council is not None:
        record.council.settings.refresh_from_db(fields=["data_version"])
        version = record.council.settings.data_version
    GeneratedPack.objects.filter(pk=record.pk).update(
        status=GeneratedPack.READY, file=body, file_name=name, size=len(body), finished_at=timezone.now(),
        seconds=time.monotonic() - started, sections=[s.key for s in pack.sections], child_level=pack.child_level,
        named_workers=any(s.level == NAMED_WORKERS for s in pack.sections), progress={}, data_version=version)
    record.refresh_from_db()


def generate(council, kind_key: str, *, fmt: str, as_at: dt.date | None = None, access: Access | None = None,
             child_level: bool = False, via: str = GeneratedPack.COMMAND, progress: Progress | None = None,
             options: dict | None = None) -> GeneratedPack:
    """Make a pack now and record it (the command line; tests). ``access`` None is an operator's command: the
    pack holds aggregate figures and named workers, and children only with ``child_level`` (the caller logs that
    export). Raises PackRefused or PermissionDenied."""
    kind = kind_of(kind_key)
    if fmt not in FORMATS:
        raise PackRefused(f"There is no format '{fmt}': choose pdf, docx or xlsx.")
    if access is not None:
        _require(access.council.pk == council.pk and may_generate_pack(access, kind.key),
                 f"Your role does not allow the {kind.in_sentence} of {council}.")
    day, live = resolve_as_at(as_at)
    user = access.membership.user if access is not None else None
    record = GeneratedPack.objects.create(
        council=council, kind=kind.key, format=fmt, as_at=day, live=live, options=options or {}, requested_by=user,
        requested_by_name=display_name(user) if user else COMMAND_NAME, via=via, status=GeneratedPack.WORKING,
        data_version=council.settings.data_version)
    try:
        _make(record, access=access, levels=levels_for(access, child_level=child_level), progress=progress)
    except Exception:
        GeneratedPack.objects.filter(pk=record.pk).update(status=GeneratedPack.FAILED, progress={},
                                                          finished_at=timezone.now(), message=FAILED_MESSAGE)
        raise
    return record


FAILED_MESSAGE = "The pack could not be made because of a problem in goldthread. Try again; if it fails again, " \
                 "tell your goldthread administrator."


def request_pack(access: Access, kind_key: str, *, fmt: str, as_at: dt.date | None = None,
                 options: dict | None = None) -> GeneratedPack:
    """Record a pack someone asked for and queue it for the worker, in one transaction."""
    kind = kind_of(kind_key)
    _require(may_generate_pack(access, kind.key), f"Your role does not allow the {kind.in_sentence}.")
    if fmt not in FORMATS:
        raise PackRefused(f"There is no format '{fmt}': choose pdf, docx or xlsx.")
    day, live = resolve_as_at(as_at)
    user = access.membership.user
    levels = levels_for(access)
    with transaction.atomic():
        record = GeneratedPack.objects.create(
            council=access.council, kind=kind.key, format=fmt, as_at=day, live=live, options=options or {},
            requested_by=user, requested_by_name=display_name(user), via=GeneratedPack.PORTAL,
            child_level=would_list_children(access.council, kind, levels),
            data_version=access.council.settings.data_version, progress={"stage": "waiting to start"})
        from . import tasks

        tasks.make_pack.enqueue(record.pk)
    return record


def request_adviser_pack(user, *, fmt: str, as_at: dt.date | None = None) -> GeneratedPack:
    """Record an adviser's pack someone asked for and queue it for the worker, in one transaction."""
    _require(may_generate_adviser_pack(user), "You have no role in any council, so there is no adviser's pack to "
                                              "make.")
    if fmt not in FORMATS:
        raise PackRefused(f"There is no format '{fmt}': choose pdf, docx or xlsx.")
    day, live = resolve_as_at(as_at)
    with transaction.atomic():
        record = GeneratedPack.objects.create(
            council=None, kind="adviser", format=fmt, as_at=day, live=live, requested_by=user,
            requested_by_name=display_name(user), via=GeneratedPack.PORTAL, progress={"stage": "waiting to start"})
        from . import tasks

        tasks.make_pack.enqueue(record.pk)
    return record


def make_queued(pack_id: int) -> str:
    """The worker's job: make a queued pack, with the requester's access as it is now (a role taken away since
    they asked means no pack)."""
    record = GeneratedPack.objects.select_related("council__settings", "requested_by").filter(
        pk=pack_id, status__in=GeneratedPack.WAITING).first()
    if record is None:
        return "gone"
    if record.council is None:
        access, allowed = None, may_generate_adviser_pack(record.requested_by)
    else:
        access = access_for(record.requested_by, record.council)
        allowed = access is not None and may_generate_pack(access, record.kind)
    if not allowed:
        GeneratedPack.objects.filter(pk=record.pk).update(
            status=GeneratedPack.REFUSED, progress={}, finished_at=timezone.now(),
            message=f"{record.requested_by_name} no longer has a role that allows this pack.")
        return GeneratedPack.REFUSED
    GeneratedPack.objects.filter(pk=record.pk).update(status=GeneratedPack.WORKING, progress={"stage": "starting"})
    try:
        _make(record, access=access, levels=levels_for(access), progress=_progress_for(record.pk))
    except Exception:
        log.exception("pack %s failed", record.pk)
        GeneratedPack.objects.filter(pk=record.pk).update(status=GeneratedPack.FAILED, progress={},
                                                          finished_at=timezone.now(), message=FAILED_MESSAGE)
        return GeneratedPack.FAILED
    return GeneratedPack.READY


def pack_abandoned(pack_id: int, *, retrying: bool) -> None:
    """A pack's job was interrupted (its worker stopped): queued again, or with no tries left marked failed."""
    if retrying:
        GeneratedPack.objects.filter(pk=pack_id, status=GeneratedPack.WORKING).update(
            status=GeneratedPack.QUEUED, progress={"stage": "waiting to start again after an interruption"})
        return
    GeneratedPack.objects.filter(pk=pack_id, status__in=GeneratedPack.WAITING).update(
        status=GeneratedPack.FAILED, progress={}, finished_at=timezone.now(),
        message="Making the pack was interrupted twice (the service restarted). Ask for it again.")


# --------------------------------------------------------------------------- a council's choices


class SettingsError(Exception):
    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def save_settings(access: Access, kind_key: str, *, sections_chosen: list[str], title: str, contact: str,
                  user) -> PackSettings:
    """A council admin's choice of sections for a kind, and its title page's title and contact."""
    _require(may_configure_packs(access), "Only the council's admins choose what goes in its packs.")
    kind = kind_of(kind_key)
    title, contact = " ".join(title.split()), contact.strip()
    errors = {}
    unknown = [key for key in sections_chosen if key not in kind.keys]
    if unknown:
        errors["sections"] = "Choose sections from the list"
    if len(title) > PackSettings._meta.get_field("title").max_length:
        errors["title"] = "The title must be 200 characters or fewer"
    if len(contact) > MAX_CONTACT_CHARS:
        errors["contact"] = f"The contact details must be {MAX_CONTACT_CHARS} characters or fewer"
    if errors:
        raise SettingsError(errors)
    found, _ = PackSettings.objects.update_or_create(
        council=access.council, kind=kind.key,
        defaults={"sections": kind.chosen(sections_chosen), "title": title, "contact": contact,
                  "updated_by": user if getattr(user, "pk", None) else None})
    return found


def save_logo(access: Access, path: Path, *, display_name: str, user) -> PackLogo:
    """The council's logo from an uploaded file, read only in the limited reading process (re-encoded as PNG);
    UnreadableFile (one sentence) when it is not a PNG or JPEG image within the size allowed."""
    from goldthread.core.images import logo_png

    _require(may_configure_packs(access), "Only the council's admins change its packs' logo.")
    png, width, height = logo_png(path, display_name=display_name)
    found, _ = PackLogo.objects.update_or_create(council=access.council, defaults={
        "png": png, "width": width, "height": height, "uploaded_by": user if getattr(user, "pk", None) else None})
    return found


def remove_logo(access: Access) -> int:
    _require(may_configure_packs(access), "Only the council's admins change its packs' logo.")
    return PackLogo.objects.filter(council=access.council).delete()[0]
