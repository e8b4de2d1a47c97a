"""Where a lake lives: an ``s3://bucket/prefix`` URL on any S3-compatible endpoint (AWS, MinIO, Alibaba OSS, Tencent
COS), opened with pyarrow's S3 filesystem (no signing of our own), and its failures as typed errors.

Endpoint, region and credentials come from the arguments, else the usual variables: ``AWS_ENDPOINT_URL_S3`` /
``AWS_ENDPOINT_URL``, ``AWS_REGION`` / ``AWS_DEFAULT_REGION``, ``AWS_ACCESS_KEY_ID`` + ``AWS_SECRET_ACCESS_KEY``
(+ ``AWS_SESSION_TOKEN``), else a profile (``AWS_PROFILE``, ``~/.aws/credentials``). Without any, the export stops
with a :class:`LakeCredentialsError` before a request: it never probes the network for credentials by itself.
The secret key is held as a :class:`~tushare_typed._internal.secret.Secret`: masked in reprs, errors and logs.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final
from urllib.parse import urlsplit

from .._internal.secret import Secret
from ..errors import ParameterError
from ._errors import LakeBucketError, LakeConnectionError, LakeCredentialsError, LakeError

if TYPE_CHECKING:
    import pyarrow.fs

__all__ = ["LakeSettings", "is_lake_url", "lake_error", "open_filesystem", "split_url"]

_SCHEMES: Final = ("s3", "s3a")
#: Endpoints that answer only virtual-hosted requests (bucket.endpoint): Alibaba OSS.
_VIRTUAL_ONLY: Final = (".aliyuncs.com",)
_CREDENTIAL_CODES: Final = frozenset(
    {
        "ACCESS_DENIED",
        "SIGNATURE_DOES_NOT_MATCH",
        "INVALID_ACCESS_KEY_ID",
        "INVALID_CLIENT_TOKEN_ID",
        "EXPIRED_TOKEN",
        "MISSING_AUTHENTICATION_TOKEN",
        "UNRECOGNIZED_CLIENT",
    }
)
_CONNECTION_CODES: Final = frozenset(
    {"NETWORK_CONNECTION", "REQUEST_TIMEOUT", "SERVICE_UNAVAILABLE", "INTERNAL_FAILURE", "SLOW_DOWN", "THROTTLING"}
)
_AWS_CODE: Final = re.compile(r"AWS Error ([A-Z_]+)")


def is_lake_url(target: object) -> bool:
    """Whether ``target`` names object storage (``s3://``) rather than a local directory."""
    return isinstance(target, str) and urlsplit(target).scheme.lower() in _SCHEMES


def split_url(url: str) -> tuple[str, str]:
    """``s3://bucket/some/prefix/`` → ``("bucket", "some/prefix")``; a ParameterError naming the fix otherwise."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in _SCHEMES or not parts.netloc or parts.query or parts.fragment:
        raise ParameterError(
            f"{url!r} is not an object storage URL",
            remediation="write it s3://BUCKET/PREFIX (the endpoint goes in AWS_ENDPOINT_URL or --endpoint-url)",
        )
    prefix = "/".join(piece for piece in parts.path.split("/") if piece)
    if any(piece in (".", "..") for piece in prefix.split("/")):
        raise ParameterError(f"{url!r} has '.' or '..' in its prefix", remediation="name the prefix plainly")
    return parts.netloc, prefix


@dataclass(frozen=True, slots=True)
class LakeSettings:
    """How to reach the object store; ``None`` fields come from the environment (see the module docstring)."""

    endpoint_url: str | None = None
    region: str | None = None
    access_key_id: str | None = None
    secret_access_key: Secret | None = None
    session_token: Secret | None = None
    virtual_addressing: bool | None = None
    timeout: float = 60.0

    def __repr__(self) -> str:
        return f"LakeSettings(endpoint_url={self.endpoint_url!r}, region={self.region!r})"


def _first(environ: Mapping[str, str], *names: str) -> str | None:
    for name in names:
        value = environ.get(name, "").strip()
        if value:
            return value
    return None


def _has_profile(environ: Mapping[str, str]) -> bool:
    if _first(environ, "AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI"):
        return True
    shared = _first(environ, "AWS_SHARED_CREDENTIALS_FILE") or str(Path.home() / ".aws" / "credentials")
    return Path(shared).expanduser().is_file()


def open_filesystem(settings: LakeSettings, environ: Mapping[str, str] | None = None) -> pyarrow.fs.S3FileSystem:
    """pyarrow's S3 filesystem for ``settings``, with bounded waits (connect 10 s, each request ``timeout``)."""
    from pyarrow import fs

    env = os.environ if environ is None else environ
    key_id = settings.access_key_id or _first(env, "AWS_ACCESS_KEY_ID")
    secret = settings.secret_access_key or _secret(_first(env, "AWS_SECRET_ACCESS_KEY"))
    token = settings.session_token or _secret(_first(env, "AWS_SESSION_TOKEN"))
    if bool(key_id) != bool(secret):
        missing = "AWS_SECRET_ACCESS_KEY (secret_access_key=)" if key_id else "AWS_ACCESS_KEY_ID (access_key_id=)"
        raise LakeCredentialsError(f"half a key for the lake: {missing} is not set")
    if not key_id and not _has_profile(env):
        raise LakeCredentialsError(
            "no credentials for the lake: neither AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, nor a profile "
            "(AWS_PROFILE, ~/.aws/credentials), nor access_key_id=/secret_access_key="
        )
    endpoint = settings.endpoint_url or _first(env, "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL")
    region = settings.region or _first(env, "AWS_REGION", "AWS_DEFAULT_REGION")
    scheme, host = "https", None
    if endpoint is not None:
        parts = urlsplit(endpoint if "://" in endpoint else f"https://{endpoint}")
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path.strip("/"):
            raise ParameterError(
                f"the endpoint {endpoint!r} is not a URL such as https://oss-cn-hangzhou.aliyuncs.com",
                remediation="give the scheme and host (and port) only, in --endpoint-url or AWS_ENDPOINT_URL",
            )
        scheme, host = parts.scheme, parts.netloc
        region = region or "us-east-1"  # S3-compatible servers sign with any region; pyarrow must not probe AWS
    virtual = settings.virtual_addressing
    if virtual is None:
        virtual = host is not None and host.split(":")[0].endswith(_VIRTUAL_ONLY)
    return fs.S3FileSystem(
        access_key=key_id,
        secret_key=secret.reveal() if secret is not None else None,
        session_token=token.reveal() if token is not None else None,
        region=region,
        scheme=scheme,
        endpoint_override=host,
        connect_timeout=min(10.0, settings.timeout),
        request_timeout=settings.timeout,
        force_virtual_addressing=virtual,
        # Objects smaller than a part (every manifest, most unit files) go up in one PUT, not three requests of a
        # multipart upload: half the upload time against a local server. A PUT is atomic as well.
        allow_delayed_open=True,
        retry_strategy=fs.AwsStandardS3RetryStrategy(max_attempts=3),
    )


def _secret(value: str | None) -> Secret | None:
    return Secret(value) if value else None


def lake_error(error: BaseException, action: str) -> LakeError:
    """The typed error for a failed object-storage call: credentials, bucket, connection, or else."""
    text = str(error).splitlines()[0] if str(error) else repr(error)
    found = _AWS_CODE.search(text)
    code = found.group(1) if found else ""
    message = f"cannot {action}: {text}"
    if code in _CREDENTIAL_CODES:
        return LakeCredentialsError(f"{message} (the credentials are wrong, or lack permission)")
    if code == "NO_SUCH_BUCKET":
        return LakeBucketError(message)
    if code in _CONNECTION_CODES or "curlCode" in text:
        return LakeConnectionError(message)
    return LakeError(message)
