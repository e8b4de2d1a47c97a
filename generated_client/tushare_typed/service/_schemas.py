"""The request and response bodies of the REST API Spec (camelCase on the wire, as the spec names them)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr
from pydantic.alias_generators import to_camel

__all__ = [
    "CommandDetailResponse",
    "CommandListResponse",
    "CommandParameter",
    "CommandSummary",
    "ErrorPayload",
    "ExecuteCommandRequest",
    "ExecuteCommandResponse",
    "ExecutionMetrics",
    "ExecutionStatus",
    "InterfaceMetadataResponse",
    "PaginationRequest",
    "PaginationState",
    "ResponseField",
    "SetTokenRequest",
]


class _Body(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


class ErrorCategoryName(StrEnum):
    AUTH = "AUTH"
    PARAMETER = "PARAMETER"
    RATE_LIMIT = "RATE_LIMIT"
    SERVICE = "SERVICE"
    UNKNOWN = "UNKNOWN"


class ErrorPayload(_Body):
    """A failure: the client's error code (AUTH-001, PARAM-101, RATE-201, SERVICE-301, UNK-999, ...)."""

    code: str
    category: ErrorCategoryName
    message: str
    remediation: str
    request_id: str | None = None


class CommandSummary(_Body):
    command_id: str
    title: str
    source: str
    description: str


class CommandListResponse(_Body):
    commands: list[CommandSummary]


class CommandParameter(_Body):
    name: str
    type: str
    required: bool
    default: str | None = None
    description: str


class CommandDetailResponse(_Body):
    command_id: str
    description: str
    parameters: list[CommandParameter]
    rate_limit_hint: str
    last_updated_at: str | None = Field(None, json_schema_extra={"format": "date-time"})
    version: int = Field(1, description="The command's version: one more for each docs release that changed it.")
    changed_in: str = Field("", description="The docs release in which the command last changed.")


class PaginationRequest(_Body):
    limit: int | None = Field(None, ge=1, description="At most this many rows (default: the service's limit).")
    max_pages: int | None = Field(None, ge=1, description="At most this many upstream pages.")
    offset: int = Field(0, ge=0, description="Row to start from: a previous reply's nextOffset.")


class ExecuteCommandRequest(_Body):
    command_id: str = Field(description="An interface's api_name, e.g. daily.")
    params: dict[str, Any] = Field(description="The interface's parameters.")
    pagination: PaginationRequest | None = None
    fields: list[str] | None = Field(None, description="Columns to return (default: the interface's default ones).")
    request_id: str | None = Field(
        None,
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9._:-]+$",
        description="Idempotency: a repeat with the same requestId returns the first reply without calling again.",
    )


class ExecutionStatus(StrEnum):
    SUCCESS = "SUCCESS"
    PARTIAL = "PARTIAL"
    ERROR = "ERROR"


class PaginationState(_Body):
    next_offset: int | None = None
    completed: bool


class ExecutionMetrics(_Body):
    retries: int
    duration_ms: int
    rate_limit_hits: int


class ExecuteCommandResponse(_Body):
    request_id: str
    status: ExecutionStatus
    data: dict[str, Any] = Field(description='{"fields": [...], "items": [[...], ...]}: rows aligned with fields.')
    pagination: PaginationState
    metrics: ExecutionMetrics
    error: ErrorPayload | None = None


class SetTokenRequest(_Body):
    token: SecretStr = Field(min_length=1, max_length=512)
    owner: str | None = Field(None, description="Defaults to the API key's owner; only that owner is accepted.")


class ResponseField(_Body):
    name: str
    type: str
    description: str
    label: str = Field(description="A short Chinese label for the column (zh-CN).")


class InterfaceMetadataResponse(_Body):
    interface_name: str
    parameters: list[CommandParameter]
    response_fields: list[ResponseField]
    throttle_hint: str
    version: int = Field(
        description="The interface's metadata version: one more for each docs release that changed it."
    )
    changed_in: str = Field(description="The docs release in which the interface last changed.")
    last_updated_at: str | None = Field(None, json_schema_extra={"format": "date-time"})
