"""What one agent run looks like: the mixes and sizes every generator here draws.

The weights follow the legacy log of tests/data (mostly Sonnet and Haiku,
Telegram and the heartbeat timer, a handful of domains) with a long tail of
big research runs, so sums, groups and row widths are those of real usage.
"""

import math
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

# (model, share of runs, USD per million tokens in, per million out)
MODELS = (
    ("claude-sonnet-4-5", 0.46, 3.0, 15.0),
    ("claude-haiku-4-5", 0.32, 1.0, 5.0),
    ("claude-opus-4-1", 0.08, 15.0, 75.0),
    ("gpt-4o", 0.08, 2.5, 10.0),
    ("gemini-2.5-pro", 0.06, 1.25, 10.0),
)
CHANNELS = (
    ("telegram", 0.40),
    ("heartbeat", 0.25),
    ("slack", 0.15),
    ("cli", 0.12),
    ("web", 0.08),
)
DOMAINS = (
    ("calendar", 0.22),
    ("home", 0.18),
    ("research", 0.16),
    ("email", 0.14),
    ("code", 0.12),
    ("finance", 0.08),
    ("travel", 0.06),
    ("health", 0.04),
)
USER_NAMES = ("junwon", "minji", "alex", "sora", "dana")
BUTLER_NAMES = ("ace", "bell", "cody")

# Agents run more by day than by night: relative weight of each UTC hour.
HOUR_WEIGHTS = tuple(0.35 + 0.65 * math.sin(math.pi * h / 24) ** 2 for h in range(24))


@dataclass(frozen=True, slots=True)
class Run:
    channel: str
    model: str
    domain: str
    duration_ms: int
    duration_min: int
    tokens_in: int
    tokens_out: int
    cost_usd: Decimal
    num_turns: int

    def fields(self) -> dict[str, Any]:
        """The legacy JSONL keys, cost as a JSON number like the old log."""
        return {
            "channel": self.channel,
            "model": self.model,
            "domain": self.domain,
            "duration_ms": self.duration_ms,
            "duration_min": self.duration_min,
            "tokens_in": self.tokens_in,
            "tokens_out": self.tokens_out,
            "cost_usd": float(self.cost_usd),
            "num_turns": self.num_turns,
        }


def _pick(rng: random.Random, table: tuple[tuple[Any, ...], ...]) -> tuple[Any, ...]:
    return rng.choices(table, weights=[row[1] for row in table])[0]


def random_run(rng: random.Random) -> Run:
    model, _, price_in, price_out = _pick(rng, MODELS)
    tokens_in = min(int(rng.lognormvariate(math.log(20_000), 1.0)), 900_000)
    tokens_out = min(int(rng.lognormvariate(math.log(800), 0.9)), 60_000)
    duration_ms = min(int(rng.lognormvariate(math.log(30_000), 0.8)), 3_600_000)
    cost = (tokens_in * price_in + tokens_out * price_out) / 1_000_000
    return Run(
        channel=_pick(rng, CHANNELS)[0],
        model=model,
        domain=_pick(rng, DOMAINS)[0],
        duration_ms=duration_ms,
        duration_min=max(1, round(duration_ms / 60_000)),
        tokens_in=tokens_in,
        tokens_out=tokens_out,
        cost_usd=Decimal(f"{cost:.6f}"),
        num_turns=min(1 + int(rng.expovariate(1 / 3)), 60),
    )


def palace_names(count: int) -> list[str]:
    return [f"palace-{index:02d}" for index in range(count)]
