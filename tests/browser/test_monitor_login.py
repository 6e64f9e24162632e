"""Logging in to the monitor: each palace's user sees only their palace."""

import re

import httpx
from playwright.async_api import Page, expect

from service.logins import set_login
from tests.browser.conftest import ConsoleErrors
from tests.conftest import ServerProcess
from tests.factories import make_entry

PASSWORD = "correct horse battery"


async def test_each_user_logs_in_and_sees_only_their_palace(
    page: Page, server: ServerProcess, console: ConsoleErrors, sessionmaker: object
) -> None:
    for palace, runs in (("alpha", 3), ("beta", 2)):
        for _ in range(runs):
            entry = make_entry(palace=palace, domain=f"{palace}-domain", cost_usd=0.5)
            response = httpx.post(server.url + "/api/usage/log", json=entry)
            assert response.status_code == 201
    async with sessionmaker() as session:  # type: ignore[operator]
        await set_login(session, "alpha", "ann", PASSWORD, new=True)
        await set_login(session, "beta", "bob", PASSWORD, new=True)
        await session.commit()
    console.expected.append("status of 401")

    for name, palace, runs in (("ann", "alpha", 3), ("bob", "beta", 2)):
        await page.context.clear_cookies()
        await page.goto(server.url + "/#24h")
        await expect(page).to_have_url(re.compile(r"/login(#24h)?$"))

        await page.fill("#name", name)
        await page.fill("#password", "wrong password")
        await page.click("button[type=submit]")
        await expect(page.get_by_test_id("login-error")).to_contain_text("wrong")

        await page.fill("#password", PASSWORD)
        await page.click("button[type=submit]")
        await expect(page.locator("main[data-settled='24h']")).to_be_attached()

        await expect(page.get_by_test_id("account-name")).to_have_text(
            f"{name} · {palace}"
        )
        runs_total = page.get_by_test_id("total-runs")
        await expect(runs_total).to_have_attribute("data-value", str(runs))
        body = await page.locator("body").inner_text()
        other = "beta" if palace == "alpha" else "alpha"
        assert f"{palace}-domain" in body and f"{other}-domain" not in body

        await page.get_by_test_id("logout").click()
        await expect(page).to_have_url(re.compile(r"/login$"))
        assert (await page.context.cookies()) == []
