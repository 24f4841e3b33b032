"""Browser tests: Playwright drives Debian's Chromium against the live test server, and axe-core checks each page."""

import os
import re
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the Django ORM calls made by fixtures are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# Chromium reports what a Content-Security-Policy refuses, and a Permissions-Policy it cannot read, in the console.
POLICY_ERROR = re.compile(r"Content Security Policy|Permissions-Policy")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.path):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Browser tests need Chromium at {CHROMIUM}: run `make test`, or install Debian's chromium package.")
    if not AXE.exists():
        pytest.fail("Browser tests need axe-core: run `make test`, or `npm ci`.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _page_of(url: str) -> str:
    # Following a link to a fragment (the skip link, an error summary) stays on the page that was checked.
    return url.split("#", 1)[0]


class AccessibilityChecked:
    """Remembers every page the test visits and every page axe-core checked, so none is missed."""

    def __init__(self, page):
        self.page = page
        self.visited: list[str] = []
        self.checked: set[str] = set()
        page.on("framenavigated", lambda frame: frame == page.main_frame and self.visited.append(_page_of(frame.url)))

    def check(self, context: str = "") -> None:
        self.page.wait_for_load_state("load")
        # Evaluated through the DevTools protocol, which the page's Content-Security-Policy does not govern:
        # a script tag added to the page would be refused, and bypassing the policy would stop the tests proving it.
        if self.page.evaluate("typeof axe === 'undefined'"):
            self.page.evaluate(AXE.read_text())
        result = self.page.evaluate("async () => await axe.run(document)")
        violations = [
            f"{v['id']} ({v['impact']}): {v['help']} at {[node['target'] for node in v['nodes']]}: "
            f"{v['nodes'][0]['html'][:300]}"
            for v in result["violations"]
        ]
        label = f"{self.page.url} {context}".strip()
        assert not violations, f"axe-core found problems on {label}:\n" + "\n".join(violations)
        self.checked.add(_page_of(self.page.url))

    def unchecked(self) -> list[str]:
        return [url for url in dict.fromkeys(self.visited) if url not in self.checked and url != "about:blank"]


@pytest.fixture
def page(browser, live_server, settings):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.axe = AccessibilityChecked(page)
    refused = []

    def note_refusal(message):
        if message.type in {"error", "warning"} and POLICY_ERROR.search(message.text):
            refused.append(f"{page.url}: {message.text}")

    page.on("console", note_refusal)
    script_errors = []
    page.on("pageerror", lambda error: script_errors.append(f"{page.url}: {error}"))
    yield page
    unchecked = page.axe.unchecked()
    context.close()
    assert not unchecked, f"Pages visited without an accessibility check: {unchecked}"
    assert not script_errors, "A script failed on the page:\n" + "\n".join(script_errors)
    assert not refused, "The browser refused something under the page's security policies:\n" + "\n".join(refused)


def sign_in(page, email: str, password: str) -> None:
    """Signs in through the form; staff then type the code their authenticator app would show."""
    page.goto("/account/sign-in/")
    page.axe.check()
    authenticator = _authenticator_ready_for(email)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")
    if authenticator is not None and "/account/two-factor/" in page.url:
        page.axe.check()
        give_authenticator_code(page, authenticator)


def give_authenticator_code(page, authenticator) -> None:
    from accounts.two_factor import authenticator_code_now

    page.get_by_label("Code from your authenticator app").fill(authenticator_code_now(authenticator))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state("load")


def _authenticator_ready_for(email: str):
    """Staff get an app if they have none. A code is accepted once: a second sign-in within the same 30 seconds
    would need the app's next code, so the record of the last one used is cleared, as if the person had waited."""
    from accounts.models import User
    from accounts.permissions import needs_second_factor
    from tests.factories import AuthenticatorFactory

    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None or not needs_second_factor(user):
        return None
    authenticator = AuthenticatorFactory(user=user)
    authenticator.last_t = -1
    authenticator.save(update_fields=["last_t"])
    return authenticator


@pytest.fixture(autouse=True)
def london_boroughs(transactional_db):
    """Browser tests commit for real, and pytest-django empties every table after each, migration data included."""
    from applications.models import Borough
    from applications.reference import load_london_boroughs

    load_london_boroughs(Borough)
