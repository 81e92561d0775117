"""The `ExportSink` port on the private exports bucket: one S3 multipart upload per file, handed out as a
presigned GET link.

A Lambda response through API Gateway cannot carry a large file (6 MB), so the file goes to S3 and the
API answers with a link the browser downloads from directly. Bytes are buffered up to one part
(`export_part_bytes`, at least S3's 5 MiB minimum) and uploaded as it fills, so memory stays at one
part whatever the file's size. Keys are `exports/<yyyy-mm-dd>/<random>/<filename>`; the bucket's
lifecycle rule deletes them after 7 days and aborts uploads left unfinished (a timed-out export).
"""

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import boto3
from botocore.config import Config

from proxyhub.clock import Clock
from proxyhub.exports.ports import DownloadLink
from proxyhub.settings import Settings

CONTENT_TYPE = "text/csv; charset=utf-8"
# Part checksums boto3 may add by default; S3 wants each back when the upload is completed.
_CHECKSUM_FIELDS = ("ChecksumCRC32", "ChecksumCRC32C", "ChecksumCRC64NVME", "ChecksumSHA1", "ChecksumSHA256")


class S3ExportSink:
    def __init__(
        self, settings: Settings, clock: Clock, new_id: Callable[[], str] = lambda: uuid.uuid4().hex
    ) -> None:
        self._bucket = settings.exports_bucket_name
        self._part_bytes = settings.export_part_bytes
        self._link_lifetime = timedelta(seconds=settings.export_link_seconds)
        self._clock = clock
        self._new_id = new_id
        # Presigned links must be SigV4 (the only signature every region accepts).
        self._client: Any = boto3.client(
            "s3", region_name=settings.aws_region, config=Config(signature_version="s3v4")
        )

    def open(self, filename: str) -> "S3ExportUpload":
        now = self._clock.now()
        key = f"exports/{now:%Y-%m-%d}/{self._new_id()}/{filename}"
        created = self._client.create_multipart_upload(
            Bucket=self._bucket,
            Key=key,
            ContentType=CONTENT_TYPE,
            ContentDisposition=f'attachment; filename="{filename}"',
        )
        return S3ExportUpload(self, key, created["UploadId"])

    def link(self, key: str) -> tuple[str, datetime]:
        url = self._client.generate_presigned_url(
            "get_object",
            Params={"Bucket": self._bucket, "Key": key},
            ExpiresIn=int(self._link_lifetime.total_seconds()),
        )
        return url, self._clock.now() + self._link_lifetime


class S3ExportUpload:
    """One multipart upload: every part but the last exactly `export_part_bytes` long."""

    def __init__(self, sink: S3ExportSink, key: str, upload_id: str) -> None:
        self._sink = sink
        self._client = sink._client
        self._bucket = sink._bucket
        self._part_bytes = sink._part_bytes
        self._key = key
        self._upload_id = upload_id
        self._buffer = bytearray()
        self._parts: list[dict[str, Any]] = []

    @property
    def key(self) -> str:
        return self._key

    def write(self, data: bytes) -> None:
        self._buffer += data
        while len(self._buffer) >= self._part_bytes:
            self._upload_part(self._part_bytes)

    def complete(self) -> DownloadLink:
        if self._buffer or not self._parts:
            self._upload_part(len(self._buffer))
        self._client.complete_multipart_upload(
            Bucket=self._bucket,
            Key=self._key,
            UploadId=self._upload_id,
            MultipartUpload={"Parts": self._parts},
        )
        url, expires_at = self._sink.link(self._key)
        return DownloadLink(url=url, expires_at=expires_at, parts=len(self._parts))

    def abort(self) -> None:
        self._client.abort_multipart_upload(Bucket=self._bucket, Key=self._key, UploadId=self._upload_id)

    def _upload_part(self, size: int) -> None:
        body = bytes(self._buffer[:size])
        del self._buffer[:size]
        number = len(self._parts) + 1
        uploaded = self._client.upload_part(
            Bucket=self._bucket, Key=self._key, UploadId=self._upload_id, PartNumber=number, Body=body
        )
        part = {"ETag": uploaded["ETag"], "PartNumber": number}
        part.update({name: uploaded[name] for name in _CHECKSUM_FIELDS if name in uploaded})
        self._parts.append(part)
