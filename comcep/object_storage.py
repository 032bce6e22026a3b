"""Media in S3-compatible object storage, for a deployment of several web and worker nodes.

Chosen by the settings when ``MEDIA_S3_BUCKET`` is set (comcep/settings.py); the local disk
(comcep.storage.MediaStorage) stays the default. Whatever the options given, the privacy
contract holds here: every object is private, no URL is public (each is signed and lives a
short while) and a stored name is never replaced by another upload. An object appears whole
or not at all: S3 makes a PUT, and a multipart upload once completed, visible at once.
"""

from __future__ import annotations

from pathlib import Path

from botocore.exceptions import ClientError
from django.conf import settings
from storages.backends.s3 import S3Storage
from storages.utils import clean_name


class ObjectStorage(S3Storage):
    def get_default_settings(self):
        defaults = super().get_default_settings()
        defaults.update(querystring_expire=settings.MEDIA_S3_URL_EXPIRY, signature_version="s3v4",
                        addressing_style="path")
        return defaults

    def __init__(self, **options):
        super().__init__(**options)
        # Not options: what the privacy contract requires of every object and every URL.
        self.default_acl = "private"
        self.querystring_auth = True
        self.custom_domain = None  # a custom domain would mean unsigned URLs
        self.file_overwrite = False

    def download(self, name: str, target: str | Path) -> None:
        """Copy an object into a local file (ranged parts in parallel, straight to disk)."""
        key = self._normalize_name(clean_name(name))
        try:
            self.bucket.download_file(key, str(target), Config=self.transfer_config)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey"):
                raise FileNotFoundError(name) from error
            raise

    def signed_url(self, name: str, *, content_type: str, content_disposition: str | None) -> str:
        """A URL that fetches the object for ``querystring_expire`` seconds, answered with this
        type and disposition whatever was stored with it (the object store honours the
        ``response-content-*`` parameters of a signed request only)."""
        parameters = {"ResponseContentType": content_type}
        if content_disposition:
            parameters["ResponseContentDisposition"] = content_disposition
        return self.url(name, parameters=parameters, expire=self.querystring_expire)

    @property
    def url_lifetime(self) -> int:
        return int(self.querystring_expire)
