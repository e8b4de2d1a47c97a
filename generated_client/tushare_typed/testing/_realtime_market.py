"""The realtime look-alikes' market: deterministic from the seed, moved one step at a time.

A code's state at step ``s`` depends only on the seed, the code and ``s`` (never on which requests came first): at
each step about half the codes trade (a small price move, volume added), the rest stay as they were — so a polling
client sees some codes change and others not. Codes starting ``999`` do not exist. Trades (ticks) are a fixed
deterministic day per code.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass
from typing import Final

__all__ = ["SESSION_DATE", "Market", "State", "board_codes"]

SESSION_DATE: Final = "2024-12-31"
_OPEN_SECONDS: Final = 9 * 3600 + 30 * 60
_TRADES_PER_DAY: Final = 150


def _rng(seed: str) -> random.Random:
    return random.Random(seed)  # noqa: S311 - synthetic market data, reproducible on purpose; nothing secret


def board_codes(size: int) -> list[str]:
    """The board's universe: Shanghai, Shenzhen and Beijing codes in turn."""
    makers = (lambda k: f"{600000 + k:06d}.SH", lambda k: f"{1 + k:06d}.SZ", lambda k: f"{830000 + k:06d}.BJ")
    return [makers[k % 3](k // 3) for k in range(size)]


@dataclass
class State:
    code: str
    name: str
    pre_close: float
    open: float
    price: float
    high: float
    low: float
    volume: int  # shares
    amount: float
    step: int
    clock: int  # seconds since midnight, Beijing

    @property
    def time(self) -> str:
        return f"{self.clock // 3600:02d}:{self.clock // 60 % 60:02d}:{self.clock % 60:02d}"

    def book(self) -> list[tuple[int, float, int, float]]:
        """Five levels of (bid size, bid price, ask size, ask price), sizes in shares."""
        rng = _rng(f"book|{self.code}|{self.volume}|{self.price}")  # moves only when it trades
        return [
            (rng.randint(1, 300) * 100, round(self.price - 0.01 * (k + 1), 2),
             rng.randint(1, 300) * 100, round(self.price + 0.01 * (k + 1), 2))
            for k in range(5)
        ]  # fmt: skip


class Market:
    """Every code's state at the current step; :meth:`advance` moves the market on."""

    def __init__(self, seed: int = 0, change_fraction: float = 0.5) -> None:
        self.seed = seed
        self.change_fraction = change_fraction
        self.step = 0
        self._states: dict[str, State] = {}
        self._lock = threading.Lock()

    def advance(self, steps: int = 1) -> None:
        with self._lock:
            self.step += steps

    def state(self, code: str) -> State | None:
        if code.startswith("999"):
            return None
        with self._lock:
            state = self._states.get(code) or self._initial(code)
            while state.step < self.step:
                self._move(state)
            self._states[code] = state
            return State(**vars(state))

    def _initial(self, code: str) -> State:
        rng = _rng(f"{self.seed}|{code}")
        pre_close = round(rng.uniform(3.0, 80.0), 2)
        opened = round(pre_close * (1 + rng.uniform(-0.02, 0.02)), 2)
        volume = rng.randint(10, 500) * 100
        number = code[:6]
        return State(
            code, f"测试{number[-4:]}", pre_close, opened, opened, opened, opened, volume,
            round(volume * opened, 2), 0, _OPEN_SECONDS,
        )  # fmt: skip

    def _move(self, state: State) -> None:
        state.step += 1
        rng = _rng(f"{self.seed}|{state.code}|{state.step}")
        if rng.random() >= self.change_fraction:
            return
        state.price = round(max(0.01, state.price * (1 + rng.uniform(-0.004, 0.004))), 2)
        state.high, state.low = max(state.high, state.price), min(state.low, state.price)
        traded = rng.randint(1, 50) * 100
        state.volume += traded
        state.amount = round(state.amount + traded * state.price, 2)
        state.clock += 3

    def trades(self, code: str) -> list[tuple[str, float, float, int, int, str]]:
        """The day's trades: (time, price, change, lots, amount in CNY, side B/S/M), oldest first."""
        rng = _rng(f"{self.seed}|trades|{code}")
        start = self._initial(code)
        price, clock, rows = start.open, _OPEN_SECONDS - 300, []
        for _ in range(_TRADES_PER_DAY):
            moved = round(max(0.01, price * (1 + rng.uniform(-0.003, 0.003))), 2)
            lots = rng.randint(1, 200)
            clock += rng.randint(1, 20)
            stamp = f"{clock // 3600:02d}:{clock // 60 % 60:02d}:{clock % 60:02d}"
            rows.append((stamp, moved, round(moved - price, 2), lots, int(lots * 100 * moved), rng.choice("BSM")))
            price = moved
        return rows
