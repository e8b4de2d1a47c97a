"""The tushare SDK's habits, complete and typed underneath.

``import tushare_typed as ts; pro = ts.pro_api(); df = pro.daily(ts_code="000001.SZ")`` behaves like the SDK's
line — a pandas DataFrame with the interface's columns — but every page is fetched (no silent truncation at the
row cap), calls share the client's rate limiter and retries, arguments are checked against the interface's
parameters before anything is sent, and the token comes from the encrypted store that :func:`set_token` writes
(never a plain-text file). Interfaces the metadata does not know go through the untyped ``query``.

pandas is imported when a DataFrame is built, not when this module is imported.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ._internal.arguments import refuse_unknown, split_names
from .errors import ParameterError

if TYPE_CHECKING:
    import pandas

    from ._client import TushareClient
    from .token import TokenStore

__all__ = ["ProApi", "pro_api", "pro_bar", "set_token"]

# SDK call arguments that are paging controls here, not interface parameters.
_SDK_PAGING = ("limit", "offset")


def set_token(token: str, *, store: TokenStore | None = None) -> None:
    """Keep ``token`` in the encrypted token store (the SDK writes it to a plain ``tk.csv``; this never does).

    The store needs a key: ``TUSHARE_TYPED_KEY``, a passphrase, or the OS keyring — see ``tushare-typed token set``.
    """
    from .token import TokenStore

    (store or TokenStore()).save(token)


def pro_api(token: str | None = None, timeout: float | None = None, **client_options: Any) -> ProApi:
    """The SDK's ``pro_api``: an object whose methods are tushare interfaces returning DataFrames.

    ``token`` as in the SDK (default: ``TUSHARE_TOKEN`` or the encrypted store); ``timeout`` in seconds per HTTP
    request; any other keyword is a :class:`~tushare_typed.TushareClient` option (``base_url``, ``rate_limit``...).
    """
    from ._client import TushareClient

    if timeout is not None:
        client_options["timeout"] = timeout
    return ProApi(TushareClient(token or None, **client_options))


class ProApi:
    """``pro.<api_name>(**params)`` and ``pro.query(api_name, fields=..., **params)``, as in the SDK."""

    def __init__(self, client: TushareClient) -> None:
        self._client = client

    @property
    def client(self) -> TushareClient:
        """The typed client underneath, for the typed API: ``pro.client.daily(...)`` returns typed rows."""
        return self._client

    def __repr__(self) -> str:
        return f"ProApi({self._client!r})"

    def query(self, api_name: str, fields: str | Sequence[str] = "", **params: Any) -> pandas.DataFrame:
        """Any interface by name, as the SDK's ``pro.query``; every page is fetched."""
        if not isinstance(api_name, str) or not api_name:
            raise ParameterError(
                f"api_name must be a non-empty interface name, got {api_name!r}",
                remediation="pass the interface's name, e.g. pro.query('daily', ts_code='000001.SZ')",
            )
        method = getattr(self._client, api_name, None) if _is_interface(api_name) else None
        if method is None:
            return _untyped_frame(self._client, api_name, fields, params)
        return _call_typed(method, api_name, fields, params)

    def __getattr__(self, name: str) -> Callable[..., pandas.DataFrame]:
        if name.startswith("_"):
            raise AttributeError(name)

        def call(fields: str | Sequence[str] = "", **params: Any) -> pandas.DataFrame:
            return self.query(name, fields=fields, **params)

        call.__name__ = name
        call.__doc__ = f"tushare interface {name!r} as a DataFrame (see help(TushareClient.{name}))."
        return call


def pro_bar(
    ts_code: str = "",
    api: ProApi | None = None,
    start_date: str = "",
    end_date: str = "",
    freq: str = "D",
    asset: str = "E",
    exchange: str = "",
    adj: str | None = None,
    ma: Sequence[int] = (),
    factors: Sequence[str] | None = None,
    adjfactor: bool = False,
    limit: int | None = None,
    fields: str | Sequence[str] = "",
    qfq_anchor: str = "window",
    **unsupported: Any,
) -> pandas.DataFrame:
    """The SDK's ``ts.pro_bar`` as a DataFrame, through the typed composite ``TushareClient.pro_bar``.

    Codes, ``freq`` and ``asset`` are normalised as the SDK does (``000001.sz`` is ``000001.SZ``). Unlike the SDK,
    several codes are adjusted and averaged each with its own factors and bars; an argument it would silently
    ignore (a string in ``ma``, an unknown ``adj``, ``factors`` on weekly bars, ``offset``) is an error; every
    piece (bars, adjustment factors, daily_basic factors) is fetched whole. ``qfq_anchor="latest"`` (not in the
    SDK) anchors forward adjustment at the latest factor, so qfq prices do not change with ``end_date``.
    The remaining differences are listed in the migration guide.
    """
    refuse_unknown(
        "pro_bar",
        "parameter",
        [name for name in unsupported if name not in _SDK_ONLY_PRO_BAR],
        ("ts_code", "api", "start_date", "end_date", "freq", "asset", "exchange", "adj", "ma", "factors", "fields"),
    )
    if not _blank(unsupported.get("offset")):
        raise ParameterError(
            "pro_bar's offset would skip bars before adjusting and averaging the rest",
            remediation="narrow start_date/end_date instead, or drop offset",
            api_name="pro_bar",
        )
    freq = freq.strip()
    client = (api or pro_api()).client
    response = client.pro_bar(
        ts_code=ts_code or "",
        start_date=start_date or None,
        end_date=end_date or None,
        freq=freq.lower() if len(freq) >= 3 else freq.upper(),  # type: ignore[arg-type]  # checked at run time
        asset=asset.strip().upper(),  # type: ignore[arg-type]  # checked by the typed method at run time
        adj=adj,  # type: ignore[arg-type]
        adjfactor=adjfactor,
        factors=tuple(factors or ()),  # type: ignore[arg-type]
        ma=tuple(ma or ()),
        exchange=exchange or None,
        max_rows=limit,
        qfq_anchor=qfq_anchor,  # type: ignore[arg-type]
    )
    frame = response.to_pandas()
    wanted = split_names(fields)
    if wanted:
        refuse_unknown("pro_bar", "column", [name for name in wanted if name not in frame.columns], list(frame))
        frame = frame[wanted]
    return frame


# Arguments of the SDK's pro_bar that concern its own HTTP loop (the typed client has its own retries) or assets
# the metadata has no interface for (contract_type: coinbar); offset is refused unless blank.
_SDK_ONLY_PRO_BAR = frozenset({"retry_count", "offset", "contract_type"})


def _is_interface(api_name: str) -> bool:
    from .catalog import load_catalog

    return api_name in load_catalog()


def _call_typed(
    method: Callable[..., Any], api_name: str, fields: str | Sequence[str], params: Mapping[str, Any]
) -> pandas.DataFrame:
    from .catalog import load_catalog

    spec = load_catalog().get(api_name)
    known = {param.name for param in spec.params}
    unknown = [name for name in params if name not in known and name not in _SDK_PAGING]
    refuse_unknown(api_name, "parameter", unknown, sorted(known))
    arguments = {name: value for name, value in params.items() if name in known and not _blank(value)}
    missing = [param.name for param in spec.params if param.required and param.name not in arguments]
    if missing:
        raise ParameterError(
            f"{api_name} needs {', '.join(missing)} (the docs mark them required)",
            remediation=f"pass {', '.join(f'{name}=...' for name in missing)}",
            api_name=api_name,
        )
    options = _paging_options(params)
    response = method(**arguments, fields=split_names(fields), **options)
    frame = response.to_pandas()
    # The server's column order, as the SDK's frame has it (the typed row follows the documented order).
    return frame[[name for name in response.fields if name in frame.columns]]


def _untyped_frame(
    client: TushareClient, api_name: str, fields: str | Sequence[str], params: Mapping[str, Any]
) -> pandas.DataFrame:
    arguments = {name: value for name, value in params.items() if not _blank(value)}
    return client.query(api_name, fields=split_names(fields), **arguments).to_pandas()


def _paging_options(params: Mapping[str, Any]) -> dict[str, Any]:
    # The SDK sends limit/offset to the server and returns that one page; here limit bounds the rows of a complete
    # call and offset says where it starts, so `limit=100` still means "at most 100 rows".
    options: dict[str, Any] = {}
    if not _blank(params.get("limit")):
        options["max_rows"] = params["limit"]
    if not _blank(params.get("offset")):
        options["offset"] = params["offset"]
    return options


def _blank(value: Any) -> bool:
    # The SDK's habit of passing '' for "not given" (its own examples do: ts_code='').
    return value is None or (isinstance(value, str) and not value.strip())
