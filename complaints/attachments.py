"""Photos and PDFs of a complaint: checked by content and name together, written inside the
transaction that records them, and removed from disk again when that transaction fails.

The intake (``services.complaint_create``) checks its files with ``check_files`` before it writes
anything and stores them with ``store`` as its last step; staff, the complainant's tracking page
and the API add more with ``attachment_add``.
"""

from __future__ import annotations

import secrets
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.files import File
from django.db import transaction
from django.http import FileResponse, Http404
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

from core.exceptions import Conflict, DomainError

from . import rules
from .models import Attachment, Complaint, ComplaintEvent, Status


@dataclass(frozen=True)
class CheckedFile:
    """An upload whose content and name agree on an accepted kind."""

    upload: File
    name: str  # the sender's name, made safe to show and to name the download
    content_type: str
    size: int


def safe_name(name: str) -> str:
    """The sender's file name without folders, control characters or quotes, at most 255 characters
    (the extension kept)."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        char for char in unicodedata.normalize("NFC", name) if unicodedata.category(char)[0] != "C"
    )
    name = name.replace('"', "").strip(" .") or "file"
    if len(name) > 255:
        stem, dot, extension = name.rpartition(".")
        name = f"{stem[: 254 - len(extension)]}.{extension}" if dot and len(extension) < 10 else name[:255]
    return name


def _not_accepted(name: str) -> DomainError:
    return DomainError(
        _("“%(name)s” is not accepted. Send JPEG, PNG or HEIC photos or PDF documents, up to 10 MB each.")
        % {"name": name},
        code="attachment_not_accepted",
    )


def check_files(
    files: Sequence[File], *, at_most: int = rules.MAX_ATTACHMENTS_PER_COMPLAINT
) -> list[CheckedFile]:
    """Check every file before anything is written; the first bad one refuses them all."""
    if len(files) > at_most:
        raise DomainError(
            _("At most %(count)d files can be sent at once.") % {"count": at_most},
            code="too_many_attachments",
        )
    checked = []
    for upload in files:
        name = safe_name(upload.name or "")
        if upload.size > rules.MAX_ATTACHMENT_BYTES:
            raise DomainError(
                _("“%(name)s” is larger than 10 MB.") % {"name": name}, code="attachment_too_large"
            )
        upload.seek(0)
        head = upload.read(rules.ATTACHMENT_HEAD_BYTES)
        upload.seek(0)
        content_type = rules.attachment_content_type(name=name, head=head)
        if content_type is None:
            raise _not_accepted(name)
        checked.append(CheckedFile(upload=upload, name=name, content_type=content_type, size=upload.size))
    return checked


def store(*, complaint: Complaint, files: Sequence[CheckedFile], by=None) -> list[Attachment]:
    """Write the files and their rows, and one timeline event, in the caller's transaction.

    The files written here are deleted again if anything in here fails. Call it as the last step of
    that transaction, or hand what it returns to ``discard`` if a later step fails, so that no file
    outlives the rows a rollback removes."""
    if not files:
        return []
    attachments: list[Attachment] = []
    try:
        for checked in files:
            attachment = Attachment(
                complaint=complaint,
                original_name=checked.name,
                content_type=checked.content_type,
                size=checked.size,
                added_by=by,
            )
            # The stored name is random: the sender's name never reaches the file system.
            stored_name = f"{secrets.token_hex(16)}.{rules.attachment_extension(checked.content_type)}"
            attachment.file.save(stored_name, checked.upload, save=False)
            attachments.append(attachment)
            attachment.save()
        ComplaintEvent.objects.create(
            complaint=complaint,
            kind=ComplaintEvent.Kind.ATTACHMENT,
            by=by,
            to_value=str(len(attachments)),
            note="\n".join(attachment.original_name for attachment in attachments),
            visible_to_complainant=by is None,
        )
    except BaseException:
        discard(attachments)
        raise
    return attachments


def discard(attachments: Sequence[Attachment]) -> None:
    """Delete the stored files of attachments whose rows are being rolled back."""
    for attachment in attachments:
        attachment.file.storage.delete(attachment.file.name)


def attachment_add(*, complaint: Complaint, files: Sequence[File], by=None) -> list[Attachment]:
    """More files for a complaint: from staff (``by``) or, with ``by=None``, from the complainant on
    the tracking page, who may add them only while the complaint is not closed."""
    if not files:
        raise DomainError(_("Choose a file."), code="no_file")
    checked = check_files(files)
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if by is None and complaint.status == Status.CLOSED:
            raise Conflict(
                _("This complaint is closed; files can no longer be added. Please file a new complaint."),
                code="closed",
            )
        if complaint.attachments.count() + len(checked) > rules.MAX_ATTACHMENTS_PER_COMPLAINT:
            raise Conflict(
                _("A complaint can have at most %(count)d files.")
                % {"count": rules.MAX_ATTACHMENTS_PER_COMPLAINT},
                code="too_many_attachments",
            )
        return store(complaint=complaint, files=checked, by=by)


def attachment_response(attachment: Attachment, *, preview: bool = False) -> FileResponse:
    """The stored file as the type it was stored as (never guessed from its name), a download under
    a safe name; inline only for a JPEG/PNG preview. Sandboxed and never sniffed, so even a file
    that slipped past the checks cannot run as a page of this site."""
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition_header(
        not (preview and attachment.previewable), attachment.original_name or attachment.file.name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
