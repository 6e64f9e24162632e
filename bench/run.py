"""The benchmark of issue 7: our hot paths beside floors measured in the same run.

    .venv/bin/python -m bench.run [--rounds 5] [--quick] [--explain]

On DATABASE_URL's server (which must allow CREATE DATABASE), else on an
embedded PostgreSQL, it makes a throwaway database, migrates it, seeds it by
COPY (a million runs over 60 days across 50 palaces; `--quick`: 100,000) and
starts two servers on loopback: `palace-usage serve` as in production (JSON
logs, to a file) and the floor of bench/floor_app.py, a bare FastAPI +
asyncpg app running the same SQL. Each round measures every figure on both;
the table shows medians over the rounds, and each ratio is the median of the
rounds' own ratios, so it holds on a noisy machine. HTTP load comes from
`wrk` (apt-get install wrk).
"""

import argparse
import asyncio
import os
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

import asyncpg
import structlog

from bench import bodies, explain, figures, machine, table
from bench.database import throwaway_database
from bench.floor_direct import DirectFloor
from bench.load import wrk_available
from bench.rounds import Round, check_same_work, warm_up
from bench.seed import SeedPlan, seed
from bench.servers import floor_server, our_server

HOME = "bench-home"
INGEST = "bench-ingest"


def _parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--rounds", type=int, help="default 5 (--quick: 3)")
    parser.add_argument(
        "--quick", action="store_true", help="100,000 rows and shorter loads"
    )
    parser.add_argument(
        "--explain", action="store_true", help="print the hot reads' query plans"
    )
    parser.add_argument("--rows", type=int, help="rows to seed (default 1,000,000)")
    parser.add_argument("--load-seconds", type=float, help="each throughput run")
    parser.add_argument("--latency-seconds", type=float, help="each latency run")
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--migrate-lines", type=int, help="default 100,000")
    args = parser.parse_args()

    quick = args.quick
    args.rounds = args.rounds or (3 if quick else 5)
    args.rows = args.rows or (100_000 if quick else 1_000_000)
    args.load_seconds = args.load_seconds or (2.0 if quick else 4.0)
    args.latency_seconds = args.latency_seconds or (1.0 if quick else 2.0)
    args.migrate_lines = args.migrate_lines or (10_000 if quick else 100_000)
    args.batches = 2 if quick else 4
    args.sdk_calls = 5 if quick else 20
    return args


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min)"


async def main(args: argparse.Namespace) -> None:
    if not wrk_available():
        sys.exit("bench needs wrk: apt-get install wrk")
    # The SDK logs every fallback; keep those lines off the table.
    structlog.configure(logger_factory=structlog.ReturnLoggerFactory())

    with tempfile.TemporaryDirectory(prefix="palace-usage-bench-") as raw_tmp:
        tmp = Path(raw_tmp)
        async with throwaway_database(tmp / "pg") as db:
            version = await machine.postgres_version(db.dsn)
            for line in machine.header_lines(version, db.embedded):
                print(line, flush=True)
            print(f"before:   {_load()}", flush=True)

            plan = SeedPlan(args.rows, 50, 60, HOME)
            seeded = await seed(db.dsn, plan)
            print(
                f"seed:     {seeded.rows:,} rows, {plan.palaces} palaces, "
                f"{plan.days} days, by COPY in {seeded.seconds:.1f} s; palace "
                f"{HOME!r}: {seeded.home_month_rows:,} rows in 1m, "
                f"{seeded.home_day_rows:,} in 24h",
                flush=True,
            )
            await _serve_and_measure(args, db.dsn, tmp)


async def _serve_and_measure(args: argparse.Namespace, dsn: str, tmp: Path) -> None:
    (tmp / "home").mkdir()
    ours = our_server(dsn, tmp / "home", HOME, tmp / "ours.log")
    floor = floor_server(dsn, HOME, INGEST, tmp / "floor.log")
    try:
        await asyncio.to_thread(ours.start)
        await asyncio.to_thread(floor.start)
        connection = await asyncpg.connect(dsn)
        now = await connection.fetchval("SELECT now()")
        await connection.close()

        async with DirectFloor(dsn, HOME) as direct:
            setup = figures.Setup(
                dsn=dsn,
                ours=ours,
                floor=floor,
                direct=direct,
                home=HOME,
                ingest=INGEST,
                tmp=tmp,
                load_s=args.load_seconds,
                latency_s=args.latency_seconds,
                batch_rows=args.batch_size * args.batches,
                batch_size=args.batch_size,
                since=now - timedelta(days=30),
            )
            await _measure(args, setup)
    finally:
        floor.stop()
        ours.stop()


async def _measure(args: argparse.Namespace, setup: figures.Setup) -> None:
    scripts = figures.prepare_scripts(setup)
    checks = await check_same_work(setup)
    await warm_up(setup, scripts)
    big_log = bodies.write_legacy_log(setup.tmp / "big.jsonl", args.migrate_lines)

    rows = table.figures(args.batch_size, args.migrate_lines)
    notes: dict[str, str] = {}
    for number in range(args.rounds):
        print(f"round {number + 1} of {args.rounds}", file=sys.stderr, flush=True)
        # The long migration runs in the first round only, to bound the run.
        log = big_log if number == 0 else None
        notes |= await Round(number, setup, scripts, rows).run(log, args.sdk_calls)

    print(f"after:    {_load()}")
    print(
        f"rounds:   {args.rounds}; medians, the largest for 'worst'; the "
        f"{args.migrate_lines:,}-line migration once"
    )
    print()
    print("\n".join(table.markdown(rows)))
    print()
    print("checks (last round for the notes):")
    for note in checks:
        print(f"- {note}")
    for name, note in notes.items():
        print(f"- {name}: {note}")
    if args.explain:
        await _print_explain(setup)


async def _print_explain(setup: figures.Setup) -> None:
    plans, columns = await explain.explain_hot_queries(
        setup.dsn, setup.home, setup.since
    )
    print()
    print("query plans (EXPLAIN ANALYZE, BUFFERS, as the app role with its palace):")
    for plan in plans:
        print(f"- {explain.summarize(plan, columns)}")
    for plan in plans:
        print()
        print(f"{plan.name}:")
        for line in plan.text:
            print(f"    {line}")


if __name__ == "__main__":
    asyncio.run(main(_parse_args()))
