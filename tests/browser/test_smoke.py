from tests.browser.a11y import assert_no_violations
from tests.browser.conftest import SCREENSHOT_DIR


def test_home_page_loads_from_our_origin_only_and_sets_no_cookies(page, live_server, shoot):
    requested = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto("/")

    assert page.locator("h1").count() == 1
    assert requested and all(url.startswith(live_server.url) for url in requested), requested
    assert page.context.cookies() == []
    assert_no_violations(page)
    assert shoot(page, "home").parent == SCREENSHOT_DIR
