"""Signing in to the console in a real browser, as an operator does, with the local stack's users."""

from playwright.sync_api import Locator, Page, expect

from proxyhub_dev.local.identity import LOCAL_PASSWORD

OPERATOR = "operator@example.com"
VIEWER = "viewer@example.com"


def sign_in(page: Page, console_url: str, email: str = OPERATOR, path: str = "tasks") -> Page:
    """Opens `path` (inside the console), signs in on the page it is sent to, and lands back on it."""
    page.goto(f"{console_url}{path}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(LOCAL_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("banner")).to_contain_text(email)
    return page


def hover_for_tooltip(page: Page, target: Locator, text: str, attempts: int = 4) -> None:
    """Hovers `target` until its tooltip says `text`.

    A list that refreshes under the pointer replaces the element hovered, and the new one gets no
    mouseenter: the pointer leaves and comes back, as a person's would."""
    tooltip = page.get_by_role("tooltip").filter(has_text=text)
    for _ in range(attempts - 1):
        page.mouse.move(0, 0)
        target.hover(force=True)
        try:
            expect(tooltip).to_be_visible(timeout=3_000)
            return
        except AssertionError:
            continue
    target.hover(force=True)
    expect(tooltip).to_be_visible()
