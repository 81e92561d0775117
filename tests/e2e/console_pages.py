"""Signing in to the console in a real browser, as an operator does, with the local stack's users."""

from playwright.sync_api import Page, expect

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
