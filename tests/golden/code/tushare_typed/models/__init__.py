"""Request, response and row models of every interface: `<Pascal>Request`, `<Pascal>Response`, `<Pascal>Row`
and the `<Pascal>Field` literal of column names. Each interface's module is imported on first use."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._internal.lazy import lazy_exports

if TYPE_CHECKING:
    from .daily import DailyField, DailyRequest, DailyResponse, DailyRow
    from .daily_basic import DailyBasicField, DailyBasicRequest, DailyBasicResponse, DailyBasicRow
    from .ft_mins import FtMinsField, FtMinsRequest, FtMinsResponse, FtMinsRow
    from .income_vip import IncomeVipField, IncomeVipRequest, IncomeVipResponse, IncomeVipRow
    from .shibor import ShiborField, ShiborRequest, ShiborResponse, ShiborRow
    from .sz_daily_info import SzDailyInfoField, SzDailyInfoRequest, SzDailyInfoResponse, SzDailyInfoRow

_EXPORTS = {
    "DailyField": "daily",
    "DailyRequest": "daily",
    "DailyResponse": "daily",
    "DailyRow": "daily",
    "DailyBasicField": "daily_basic",
    "DailyBasicRequest": "daily_basic",
    "DailyBasicResponse": "daily_basic",
    "DailyBasicRow": "daily_basic",
    "FtMinsField": "ft_mins",
    "FtMinsRequest": "ft_mins",
    "FtMinsResponse": "ft_mins",
    "FtMinsRow": "ft_mins",
    "IncomeVipField": "income_vip",
    "IncomeVipRequest": "income_vip",
    "IncomeVipResponse": "income_vip",
    "IncomeVipRow": "income_vip",
    "ShiborField": "shibor",
    "ShiborRequest": "shibor",
    "ShiborResponse": "shibor",
    "ShiborRow": "shibor",
    "SzDailyInfoField": "sz_daily_info",
    "SzDailyInfoRequest": "sz_daily_info",
    "SzDailyInfoResponse": "sz_daily_info",
    "SzDailyInfoRow": "sz_daily_info",
}

__all__ = [
    "DailyBasicField",
    "DailyBasicRequest",
    "DailyBasicResponse",
    "DailyBasicRow",
    "DailyField",
    "DailyRequest",
    "DailyResponse",
    "DailyRow",
    "FtMinsField",
    "FtMinsRequest",
    "FtMinsResponse",
    "FtMinsRow",
    "IncomeVipField",
    "IncomeVipRequest",
    "IncomeVipResponse",
    "IncomeVipRow",
    "ShiborField",
    "ShiborRequest",
    "ShiborResponse",
    "ShiborRow",
    "SzDailyInfoField",
    "SzDailyInfoRequest",
    "SzDailyInfoResponse",
    "SzDailyInfoRow",
]
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
