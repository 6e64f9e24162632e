"""How long the monitor takes to show, and answer on, a month of 10,000 runs.

    .venv/bin/python -m bench.monitor_month [--runs 10000] [--repeat 5]

Seeds a throwaway database (on DATABASE_URL's server, else an embedded
PostgreSQL) through GraphQL's logUsageBatch, starts a real `palace-usage
serve`, and opens `/#1m` in Debian's Chromium again and again. It reports
medians of:

    fetch        the GET /api/usage?period=1m round trip, as the page saw it
    render       from the rows in hand to totals, breakdowns and both charts drawn
    ready        from navigation start to all of the above
    interactive  from navigation start to the end of the last long task (>50 ms)
                 after it, i.e. when a click is answered without delay
    drill        clicking the biggest model until its table is painted
    sort         re-sorting that table by cost until painted

The first, cold load (Plotly's bundle not yet cached) is shown on its own.
"""

import argparse
import asyncio
import statistics
import tempfile
from pathlib import Path
from typing import Any

import httpx
from playwright.async_api import Browser, Page, async_playwright

from clients.sample import sample_entries
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.conftest import ServerProcess, server_env
from tests.pg import throwaway_database

# Under logUsageBatch's limit, and under asyncpg's 32,767 query arguments: at
# HEAD one INSERT carries 18 per row, so batches past about 1,800 rows fail.
BATCH = 1_000
# Within any calendar month, so every run lands in the 1m window.
DAYS = 28
MUTATION = """
mutation Seed($inputs: [UsageInput!]!) { logUsageBatch(inputs: $inputs) { status } }
"""
GRAPHQL_NAMES = {
    "duration_ms": "durationMs",
    "duration_min": "durationMin",
    "tokens_in": "tokensIn",
    "tokens_out": "tokensOut",
    "num_turns": "numTurns",
}
# Long tasks are only visible to an observer that existed before they ran.
WATCH_LONG_TASKS = """
window.__longTasks = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) window.__longTasks.push(e.startTime + e.duration);
}).observe({ type: "longtask", buffered: true });
"""
TIMINGS = """
async () => {
  await new Promise((r) => setTimeout(r, 600));
  const mark = (name) => performance.getEntriesByName(name)[0].startTime;
  const fetch = performance.getEntriesByType("resource")
    .find((r) => r.name.includes("/api/usage?"));
  const ready = mark("monitor:rendered");
  return {
    fetch: fetch.responseEnd - fetch.startTime,
    bytes: fetch.encodedBodySize,
    render: ready - mark("monitor:data"),
    ready,
    interactive: Math.max(ready, ...window.__longTasks),
  };
}
"""
CLICK_AND_PAINT = """
async (selector) => {
  const started = performance.now();
  document.querySelector(selector).click();
  await new Promise((r) => requestAnimationFrame(() => setTimeout(r)));
  return performance.now() - started;
}
"""


def _graphql_input(entry: dict[str, Any]) -> dict[str, Any]:
    data = {GRAPHQL_NAMES.get(key, key): value for key, value in entry.items()}
    data["costUsd"] = str(data["cost_usd"])
    del data["cost_usd"]
    return data


def seed(url: str, runs: int) -> None:
    entries = [_graphql_input(e) for e in sample_entries(runs, days=DAYS, seed=1)]
    with httpx.Client(base_url=url, timeout=120) as client:
        for start in range(0, len(entries), BATCH):
            batch = entries[start : start + BATCH]
            response = client.post(
                "/graphql",
                json={"query": MUTATION, "variables": {"inputs": batch}},
            )
            response.raise_for_status()
            statuses = {r["status"] for r in response.json()["data"]["logUsageBatch"]}
            assert statuses == {"STORED"}, statuses


async def measure_once(browser: Browser, page: Page, url: str) -> dict[str, float]:
    await page.goto(url + "/#1m")
    await page.locator('main[data-settled="1m"]').wait_for(state="attached")
    timings: dict[str, float] = await page.evaluate(TIMINGS)
    biggest = "[data-testid=breakdown-model] [data-testid=breakdown-item]"
    timings["drill"] = await page.evaluate(CLICK_AND_PAINT, biggest)
    timings["sort"] = await page.evaluate(CLICK_AND_PAINT, "[data-testid=sort-micros]")
    return timings


async def measure(url: str, repeat: int) -> list[dict[str, float]]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        context = await browser.new_context(viewport={"width": 1280, "height": 900})
        await context.add_init_script(WATCH_LONG_TASKS)
        results = []
        for _ in range(repeat + 1):
            page = await context.new_page()
            results.append(await measure_once(browser, page, url))
            await page.close()
        await browser.close()
    return results


def report(runs: int, results: list[dict[str, float]]) -> None:
    cold, warm = results[0], results[1:]
    names = ("fetch", "render", "ready", "interactive", "drill", "sort")
    print(f"monitor, 1m tab, {runs:,} runs, {cold['bytes'] / 1e6:.1f} MB of JSON")
    print(f"{'':>12} {'cold':>8} {'warm median':>12} {'warm max':>9}")
    for name in names:
        values = [r[name] for r in warm]
        print(
            f"{name:>12} {cold[name]:>6.0f}ms {statistics.median(values):>10.0f}ms"
            f" {max(values):>7.0f}ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="monitor-bench-") as folder:
        home = Path(folder)
        with throwaway_database(home / "pg") as database_url:
            server = ServerProcess(server_env(database_url, home), home / "server.log")
            server.start()
            try:
                seed(server.url, args.runs)
                results = asyncio.run(measure(server.url, args.repeat))
            finally:
                server.stop()
    report(args.runs, results)


if __name__ == "__main__":
    main()
