"""Files: upload handles, the storage endpoint they point at, and attaching files to candidates.

Ashby's recommended flow is presigned: `file.createFileUploadHandle` answers `{handle, url,
fields}`; the client POSTs a multipart form to `url` with every entry of `fields` and the file last,
under `file`; then it passes the handle to `candidate.uploadResume` or `candidate.uploadFile`. Here
the storage URL is served by the sandbox itself (`/storage/upload`), answering like S3 does
(204 on success). The deprecated multipart form of both endpoints works too.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from openpin.sandboxes.ashby import permissions as p
from openpin.sandboxes.ashby import records as r
from openpin.sandboxes.ashby.envelope import AshbyError, invalid_input
from openpin.sandboxes.ashby.inputs import (
    MultipartUpload,
    UploadFileBody,
    UploadHandleBody,
    UploadResumeBody,
)
from openpin.sandboxes.ashby.registry import RpcContext, new_id, rpc
from openpin.sandboxes.ashby.rpc_candidates import find_candidate, mark_updated, render

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
STORAGE_UPLOAD_PATH = "/storage/upload"


@rpc(
    "file.createFileUploadHandle",
    permission=p.CANDIDATES_WRITE,
    body=UploadHandleBody,
    writes=True,
)
def create_file_upload_handle(ctx: RpcContext, body: UploadHandleBody) -> dict[str, Any]:
    if not 0 < body.content_length <= MAX_UPLOAD_BYTES:
        raise invalid_input(f"contentLength must be between 1 and {MAX_UPLOAD_BYTES} bytes")
    stored = r.StoredFile(
        handle=secrets.token_urlsafe(24),
        id=new_id(),
        context=body.file_upload_context,
        filename=body.filename,
        content_type=body.content_type,
        content_length=body.content_length,
        upload_token=secrets.token_urlsafe(24),
        created_at=ctx.now(),
    )
    ctx.org.files[stored.handle] = stored
    ctx.touch()
    return {
        "handle": stored.handle,
        "url": f"{ctx.base_url.rstrip('/')}{STORAGE_UPLOAD_PATH}",
        "fields": {
            "key": storage_key(stored),
            "Content-Type": stored.content_type,
            "policy": stored.upload_token,
        },
    }


def storage_key(stored: r.StoredFile) -> str:
    return f"uploads/{stored.handle}/{stored.filename}"


@rpc(
    "candidate.uploadResume",
    permission=p.CANDIDATES_WRITE,
    body=UploadResumeBody,
    writes=True,
    multipart_file_field="resume",
)
def candidate_upload_resume(
    ctx: RpcContext, body: UploadResumeBody | MultipartUpload
) -> dict[str, Any]:
    candidate = find_candidate(ctx, body.candidate_id)
    if isinstance(body, MultipartUpload):
        stored = store_direct_upload(ctx, body, "CandidateResume")
    else:
        stored = uploaded_file(ctx, body.resume_handle, "CandidateResume")
    candidate.resume = r.FileRef(id=stored.id, name=stored.filename, handle=stored.handle)
    mark_updated(ctx, candidate)
    return render(ctx, candidate)


@rpc(
    "candidate.uploadFile",
    permission=p.CANDIDATES_WRITE,
    body=UploadFileBody,
    writes=True,
    multipart_file_field="file",
)
def candidate_upload_file(
    ctx: RpcContext, body: UploadFileBody | MultipartUpload
) -> dict[str, Any]:
    candidate = find_candidate(ctx, body.candidate_id)
    if isinstance(body, MultipartUpload):
        stored = store_direct_upload(ctx, body, "CandidateFiles")
    else:
        stored = uploaded_file(ctx, body.file_handle, "CandidateFiles")
    if all(file.handle != stored.handle for file in candidate.files):
        candidate.files.append(r.FileRef(id=stored.id, name=stored.filename, handle=stored.handle))
        mark_updated(ctx, candidate)
    return render(ctx, candidate)


def uploaded_file(ctx: RpcContext, handle: str, context: r.FileUploadContext) -> r.StoredFile:
    stored = ctx.org.files.get(handle)
    if stored is None:
        raise AshbyError("file_not_found", f"No file upload handle {handle}")
    if stored.context != context:
        raise invalid_input(
            f"The handle was created for {stored.context}; create one with "
            f"fileUploadContext {context} for this call"
        )
    if stored.data is None:
        raise invalid_input("The file has not been uploaded to the handle's URL yet")
    return stored


def store_direct_upload(
    ctx: RpcContext, upload: MultipartUpload, context: r.FileUploadContext
) -> r.StoredFile:
    if not 0 < len(upload.data) <= MAX_UPLOAD_BYTES:
        raise invalid_input(f"The file must be between 1 and {MAX_UPLOAD_BYTES} bytes")
    stored = r.StoredFile(
        handle=secrets.token_urlsafe(24),
        id=new_id(),
        context=context,
        filename=upload.filename,
        content_type=upload.content_type,
        content_length=len(upload.data),
        upload_token=secrets.token_urlsafe(24),
        data=upload.data,
        created_at=ctx.now(),
    )
    ctx.org.files[stored.handle] = stored
    return stored


class StorageRejection(Exception):
    """The storage endpoint's refusal (S3 answers 400/403 with an XML error)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def accept_storage_upload(
    org: r.Organization, fields: dict[str, str], data: bytes, content_type: str | None
) -> r.StoredFile:
    """Stores the bytes POSTed to the upload URL, after checking them against the handle."""
    key = fields.get("key", "")
    parts = key.split("/", 2)
    stored = org.files.get(parts[1]) if len(parts) == 3 and parts[0] == "uploads" else None
    if stored is None or key != storage_key(stored):
        raise StorageRejection(400, "InvalidArgument", "The key does not name an upload handle")
    if not hmac.compare_digest(fields.get("policy", ""), stored.upload_token):
        raise StorageRejection(403, "AccessDenied", "The policy does not match the upload handle")
    if len(data) != stored.content_length:
        raise StorageRejection(
            400,
            "EntityTooLarge" if len(data) > stored.content_length else "EntityTooSmall",
            f"The file has {len(data)} bytes; the handle was created for {stored.content_length}",
        )
    stored.data = data
    stored.content_type = fields.get("Content-Type") or content_type or stored.content_type
    return stored
