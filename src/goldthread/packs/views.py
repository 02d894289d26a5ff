"""Pack pages: a council's packs (the kinds the person may make, recent packs to download again), asking for one
(kind, as at today or a board meeting, format), following it while the worker makes it, downloading it, and a
council admin's settings per kind; and the adviser's pack across a person's councils. Access comes from
goldthread.accounts.access, every change from .actions."""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path

from django.conf import settings as django_settings
from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from goldthread import downloads
from goldthread.accounts.access import (
    AGGREGATES,
    CHILD_LEVEL,
    SETTINGS,
    SIGNED_IN,
    adviser_pack_view,
    council_view,
    log_child_access,
    may_configure_packs,
    may_download_pack,
    may_generate_adviser_pack,
    may_generate_pack,
    signed_in,
)
from goldthread.core.annexa.issues import UnreadableFile
from goldthread.core.images import MAX_FILE_BYTES
from goldthread.core.packs.document import CHILD_LEVEL as CHILD_SECTIONS
from goldthread.core.packs.kinds import COUNCIL_KINDS, FORMATS, KINDS
from goldthread.portal.posted import posted_date

from . import actions as do
from .models import GeneratedPack, PackLogo

TODAY = "today"
CHOOSE_KIND = "Choose which pack to make"
CHOOSE_DATE = "Choose the date the pack is as at"
CHOOSE_FORMAT = "Choose the format: PDF, Word or Excel"
NOT_A_DATE = "Enter the date as a day, month and year, for example 31 3 2026"
RECENT = 20


def _kinds(access) -> list:
    return [k for k in COUNCIL_KINDS if may_generate_pack(access, k.key)]


def _meetings(council) -> list:
    """The board meetings a pack can be as at: past ones and today's, latest first."""
    from goldthread.plans.models import Visit

    return list(Visit.objects.filter(council=council, kind=Visit.BOARD, date__lte=timezone.localdate())
                .order_by("-date", "-pk")[:24])


def _downloadable(access, packs) -> list:
    return [p for p in packs if may_download_pack(access, p)]


def _pack(access, pack_id: int, *, with_file: bool = False) -> GeneratedPack:
    found = GeneratedPack.objects.filter(pk=pack_id, council=access.council)
    found = (found if with_file else found.defer("file")).first()
    if found is None or not may_download_pack(access, found):
        raise Http404("No such pack, or not one you may download.")
    return found


def _context(access, **more) -> dict:
    return {"access": access, "council": access.council, "may_configure": may_configure_packs(access), **more}


# --------------------------------------------------------------------------- a council's packs


@council_view(AGGREGATES, post=None)
def home(request, *, access):
    recent = GeneratedPack.objects.filter(council=access.council).defer("file")[:100]
    kinds = [{"kind": k, "sections": [k.section(key) for key in do.chosen_sections(access.council, k)
                                      if access.can(CHILD_LEVEL) or k.section(key).level != CHILD_SECTIONS]}
             for k in _kinds(access)]
    return render(request, "packs/home.html", _context(
        access, kinds=kinds, recent=_downloadable(access, recent)[:RECENT], settings_kinds=COUNCIL_KINDS))


@council_view(AGGREGATES, post=AGGREGATES)
def new(request, *, access):
    kinds = _kinds(access)
    meetings = _meetings(access.council)
    values = {"kind": request.GET.get("kind", ""), "as_at": TODAY, "format": "pdf"}
    errors = {}
    if request.method == "POST":
        values = {key: request.POST.get(key, "") for key in values}
        kind = KINDS.get(values["kind"])
        if kind is None or kind not in kinds:
            errors["kind"] = CHOOSE_KIND
        as_at = None
        if values["as_at"] != TODAY:
            as_at = next((m.date for m in meetings if m.date.isoformat() == values["as_at"]), None)
            if as_at is None:
                errors["as_at"] = CHOOSE_DATE
        if values["format"] not in FORMATS:
            errors["format"] = CHOOSE_FORMAT
        if not errors:
            try:
                record = do.request_pack(access, kind.key, fmt=values["format"], as_at=as_at)
            except do.PackRefused as exc:
                errors["as_at"] = str(exc)
            else:
                if record.child_level:
                    log_child_access(request, access, action="export",
                                     subject=f"{kind.title} as at {record.as_at:%d/%m/%Y} (lists children)",
                                     why="asked for a pack that lists children")
                return redirect("packs:pack", la=access.council.ons_code, pack_id=record.pk)
    return render(request, "packs/new.html", _context(
        access, kinds=kinds, meetings=meetings, values=values, errors=errors, formats=FORMATS, today=TODAY))


@council_view(AGGREGATES, post=None)
def pack(request, pack_id: int, *, access):
    found = _pack(access, pack_id)
    annex_a = None
    if found.kind == "ofsted" and access.can(CHILD_LEVEL) and not access.own_children_only:
        from goldthread.extracts.queries import latest_extract
        from goldthread.plans.queries import end_of

        extract = latest_extract(access.council, known_at=None if found.live else end_of(found.as_at))
        if extract is not None and getattr(extract, "purged_at", None) is None:
            annex_a = extract
    return render(request, "packs/pack.html", _context(
        access, pack=found, annex_a=annex_a, waiting=found.status in GeneratedPack.WAITING,
        status_url=reverse("packs:status", args=[access.council.ons_code, found.pk])))


def _status(found: GeneratedPack) -> JsonResponse:
    return JsonResponse({"status": found.status, "progress": found.progress, "message": found.message})


@council_view(AGGREGATES, post=None)
def status(request, pack_id: int, *, access):
    return _status(_pack(access, pack_id))


@council_view(AGGREGATES, post=None)
def download(request, pack_id: int, *, access):
    found = _pack(access, pack_id, with_file=True)
    if found.status != GeneratedPack.READY or not found.file:
        raise Http404("The pack is not ready yet.")
    if found.child_level:
        log_child_access(request, access, action="export",
                         subject=f"{found.kind_title} as at {found.as_at:%d/%m/%Y} (lists children), made "
                                 f"{timezone.localtime(found.requested_at):%d/%m/%Y %H:%M}",
                         why="downloaded a pack that lists children")
    return downloads.attachment(bytes(found.file), found.file_name, do.render.CONTENT_TYPES[found.format])


# --------------------------------------------------------------------------- a council admin's choices


@council_view(SETTINGS, post=SETTINGS)
def settings(request, kind: str, *, access):
    found = KINDS.get(kind)
    if found is None or not found.per_council:
        raise Http404("No such pack.")
    chosen = do.settings_of(access.council, found)
    values = {"sections": list(chosen.sections), "title": chosen.title, "contact": chosen.contact}
    errors = {}
    if request.method == "POST":
        values = {"sections": request.POST.getlist("sections"), "title": request.POST.get("title", ""),
                  "contact": request.POST.get("contact", "")}
        try:
            do.save_settings(access, found.key, sections_chosen=values["sections"], title=values["title"],
                             contact=values["contact"], user=request.user)
        except do.SettingsError as exc:
            errors.update(exc.errors)
        logo_errors = {} if errors else _logo(request, access)
        errors.update(logo_errors)
        if not errors:
            messages.success(request, f"The {found.in_sentence} settings are saved.")
            return redirect("packs:settings", la=access.council.ons_code, kind=found.key)
    return render(request, "packs/settings.html", _context(
        access, kind=found, optional=[s for s in found.sections if not s.required], values=values, errors=errors,
        logo=PackLogo.objects.filter(council=access.council)
        .defer("png").first(), max_logo_mb=MAX_FILE_BYTES // 1024**2, settings_kinds=COUNCIL_KINDS))


def _logo(request, access) -> dict:
    """Remove the logo, or keep a new one read from the upload in the limited reading process."""
    if request.POST.get("remove_logo") == "yes":
        do.remove_logo(access)
        return {}
    uploaded = request.FILES.get("logo")
    if uploaded is None:
        return {}
    if uploaded.size > MAX_FILE_BYTES:
        return {"logo": f"The logo must be smaller than {MAX_FILE_BYTES // 1024**2} MB"}
    folder = Path(django_settings.DATA_DIR) / "uploads"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    with tempfile.TemporaryDirectory(dir=folder) as private:
        path = Path(private) / uuid.uuid4().hex
        with path.open("wb") as fh:
            for chunk in uploaded.chunks():
                fh.write(chunk)
        try:
            do.save_logo(access, path, display_name=Path(uploaded.name).name[:100] or "The file", user=request.user)
        except UnreadableFile as exc:
            return {"logo": str(exc)}
    return {}


# --------------------------------------------------------------------------- the adviser's pack


@signed_in(rule=SIGNED_IN, post=SIGNED_IN)
def adviser(request):
    values = {"as_at": "", "format": "pdf", "as_at-day": "", "as_at-month": "", "as_at-year": ""}
    errors = {}
    allowed = may_generate_adviser_pack(request.user)
    if request.method == "POST" and allowed:
        values = {key: request.POST.get(key, "") for key in values}
        as_at = None
        if values["as_at"] != TODAY:
            as_at = posted_date(request.POST, "as_at")
            if as_at is None:
                errors["as_at-day"] = NOT_A_DATE if values["as_at"] == "date" else CHOOSE_DATE
        if values["format"] not in FORMATS:
            errors["format"] = CHOOSE_FORMAT
        if not errors:
            try:
                record = do.request_adviser_pack(request.user, fmt=values["format"], as_at=as_at)
            except do.PackRefused as exc:
                errors["as_at-day"] = str(exc)
            else:
                return redirect("adviser_packs:pack", adviser_pack_id=record.pk)
    recent = GeneratedPack.objects.filter(council__isnull=True, kind="adviser", requested_by=request.user).defer(
        "file")[:RECENT]
    return render(request, "packs/adviser.html", {
        "allowed": allowed, "values": values, "errors": errors, "formats": FORMATS, "today": TODAY, "recent": recent,
        "kind": KINDS["adviser"]})


@adviser_pack_view(post=None)
def adviser_pack(request, *, pack):
    return render(request, "packs/pack.html", {
        "pack": pack, "waiting": pack.status in GeneratedPack.WAITING, "adviser": True,
        "status_url": reverse("adviser_packs:status", args=[pack.pk])})


@adviser_pack_view(post=None)
def adviser_status(request, *, pack):
    return _status(pack)


@adviser_pack_view(post=None)
def adviser_download(request, *, pack):
    found = pack
    if found.status != GeneratedPack.READY or not found.file:
        raise Http404("The pack is not ready yet.")
    return downloads.attachment(bytes(found.file), found.file_name, do.render.CONTENT_TYPES[found.format])

