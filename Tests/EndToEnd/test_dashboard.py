"""The dashboard (web/) in a real browser: headless Chromium driven through chromedriver, against
the real stack (nginx serving the page and the read API, the responder), with data sent by the
real OpenTelemetry SDK.

Checks the personal view, the empty state, the team view with a wrong and a good admin token,
and a 360 px viewport: the figures shown equal the stored aggregate.json's, no JavaScript or
CSP error reaches the console, and a model named like an HTML tag is shown as text.
Screenshots go to E2E_ARTIFACTS_DIR (default .build-e2e-artifacts/dashboard in the repository),
printed at the start; E2E_UPDATE_DOCS=1 also copies the personal and team views to docs/.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import CLIENTS, FIXTURES, LOOPBACK, PREFIX, REPO, clean_env, curl, started_stack, wait_until

EVIL_MODEL = "<img src=x onerror=alert(1)>"
SONNET = "claude-sonnet-4-5"
HAIKU = "claude-haiku-4-5"
ADA_NAME = "Ada <b>Lovelace</b>"
GRACE_NAME = "Grace & \"Hopper\""
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")

ADA = {
    "resource": {"service.name": "claude-code", "service.version": "2.0.50"},
    "identity": {"user.id": "e2e-ada", "session.id": "ada-1", "terminal.type": "vscode"},
    "metric_rounds": [
        [
            ["claude_code.session.count", {"start_type": "fresh"}, 1.0],
            ["claude_code.token.usage", {"type": "input", "model": SONNET}, 1234567.0],
            ["claude_code.token.usage", {"type": "output", "model": SONNET}, 45678.0],
            ["claude_code.token.usage", {"type": "cacheRead", "model": SONNET}, 2500000.0],
            ["claude_code.token.usage", {"type": "cacheCreation", "model": SONNET}, 98765.0],
            ["claude_code.cost.usage", {"model": SONNET}, 2.3456],
            ["claude_code.token.usage", {"type": "input", "model": EVIL_MODEL}, 5000.0],
            ["claude_code.token.usage", {"type": "output", "model": EVIL_MODEL}, 700.0],
            ["claude_code.cost.usage", {"model": EVIL_MODEL}, 0.0812],
            ["claude_code.lines_of_code.count", {"type": "added"}, 420.0],
            ["claude_code.lines_of_code.count", {"type": "removed"}, 77.0],
            ["claude_code.commit.count", {}, 3.0],
            ["claude_code.pull_request.count", {}, 1.0],
            ["claude_code.code_edit_tool.decision", {"tool_name": "Edit", "decision": "accept", "language": "Swift"}, 9.0],
            ["claude_code.code_edit_tool.decision", {"tool_name": "Write", "decision": "reject", "language": "Swift"}, 2.0],
            ["claude_code.active_time.total", {"type": "user"}, 4500.0],
            ["claude_code.active_time.total", {"type": "cli"}, 1230.0],
        ],
        [
            ["claude_code.session.count", {"start_type": "resume"}, 1.0],
            ["claude_code.token.usage", {"type": "input", "model": SONNET}, 10000.0],
            ["claude_code.cost.usage", {"model": SONNET}, 0.1],
        ],
    ],
    "log_rounds": [
        [
            {"body": "claude_code.api_request", "attributes": {
                "event.name": "api_request", "model": SONNET, "cost_usd": "2.3456", "duration_ms": "2100",
                "input_tokens": "1234567", "output_tokens": "45678", "cache_read_tokens": "2500000",
                "cache_creation_tokens": "98765"}},
            {"body": "claude_code.api_request", "attributes": {
                "event.name": "api_request", "model": EVIL_MODEL, "cost_usd": "0.0812", "duration_ms": "300",
                "input_tokens": "5000", "output_tokens": "700", "cache_read_tokens": "0", "cache_creation_tokens": "0"}},
            {"body": "claude_code.api_error", "attributes": {
                "event.name": "api_error", "model": SONNET, "error": "overloaded", "status_code": "529",
                "duration_ms": "90", "attempt": "1"}},
            {"body": "claude_code.tool_result", "attributes": {
                "event.name": "tool_result", "tool_name": "Bash", "success": "false", "duration_ms": "80"}},
            {"body": "claude_code.tool_result", "attributes": {
                "event.name": "tool_result", "tool_name": "Edit", "success": "true", "duration_ms": "20"}},
            {"body": "claude_code.tool_result", "attributes": {
                "event.name": "tool_result", "tool_name": "Read", "success": "true", "duration_ms": "5"}},
        ],
    ],
}

GRACE = {
    "resource": {"service.name": "claude-code", "service.version": "2.0.50"},
    "identity": {"user.id": "e2e-grace", "session.id": "grace-1"},
    "metric_rounds": [[
        ["claude_code.session.count", {"start_type": "fresh"}, 1.0],
        ["claude_code.token.usage", {"type": "input", "model": HAIKU}, 300000.0],
        ["claude_code.token.usage", {"type": "output", "model": HAIKU}, 20000.0],
        ["claude_code.cost.usage", {"model": HAIKU}, 0.75],
        ["claude_code.lines_of_code.count", {"type": "added"}, 50.0],
        ["claude_code.active_time.total", {"type": "user"}, 600.0],
    ]],
    "log_rounds": [],
}


# --- the same formatting rules as web/format.js, to compare what a person reads --------------


def half_up(value: float) -> int:
    return math.floor(value + 0.5)


def compact(n: float) -> str:
    for size, unit in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(n) >= size * 0.9995:
            scaled = half_up(n / size * 10) / 10
            return f"{scaled:.0f} {unit}" if scaled >= 100 or scaled == int(scaled) else f"{scaled:.1f} {unit}"
    return f"{half_up(n):,}"


def usd(n: float) -> str:
    if 0 < n < 0.005:
        return "< $0.01"
    return f"${n:,.2f}"


def duration(minutes: float) -> str:
    total = half_up(minutes)
    hours, rest = divmod(total, 60)
    return f"{rest} min" if hours == 0 else f"{hours:,} h {rest:02d} min"


def percent(part: float, whole: float) -> str:
    if whole <= 0:
        return "—"
    ratio = part / whole * 100
    return f"{half_up(ratio)}%" if ratio >= 10 or ratio == int(ratio) else f"{ratio:.1f}%"


# What each card shows, from a figures object (web/figures.js CARDS).
CARDS = {
    "totalInputTokens": lambda f: compact(f["totalInputTokens"]),
    "totalOutputTokens": lambda f: compact(f["totalOutputTokens"]),
    "totalCacheReadTokens": lambda f: compact(f["totalCacheReadTokens"]),
    "totalCacheCreationTokens": lambda f: compact(f["totalCacheCreationTokens"]),
    "totalTokenCostUsd": lambda f: usd(f["totalTokenCostUsd"]),
    "totalSessions": lambda f: f"{f['totalSessions']:,}",
    "totalMinutes": lambda f: duration(f["totalMinutes"]),
    "totalLinesAdded": lambda f: f"{f['totalLinesAdded']:,}",
    "totalLinesRemoved": lambda f: f"{f['totalLinesRemoved']:,}",
    "aiAssistedCommits": lambda f: f"{f['aiAssistedCommits']:,}",
    "prsCreated": lambda f: f"{f['prsCreated']:,}",
    "editAcceptance": lambda f: percent(f["editsAccepted"], f["editsAccepted"] + f["editsRejected"]),
    "apiErrors": lambda f: f"{f['apiErrors']:,}",
}
EXACT_KEYS = [k for k in CARDS if k != "editAcceptance"]


# --- fixtures --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def artifacts(request) -> Path:
    directory = Path(os.environ.get("E2E_ARTIFACTS_DIR") or REPO / ".build-e2e-artifacts" / "dashboard").resolve()
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    message = f"dashboard screenshots and browser logs: {directory}"
    if reporter:
        reporter.write_line(message)
    print(message)
    return directory


@pytest.fixture(scope="module")
def dash(tools):
    """A stack of its own, so the team view holds exactly the users made here."""
    yield from started_stack(tools, "dashboard", ["--threads", "2"])


def send(tools, stack, user: str, spec: dict) -> None:
    settings = {
        "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE": "delta",
        "OTEL_METRIC_EXPORT_INTERVAL": "600000",
        "OTEL_BLRP_SCHEDULE_DELAY": "600000",
        "OTEL_EXPORTER_OTLP_TIMEOUT": "10",
        "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
        "OTEL_EXPORTER_OTLP_ENDPOINT": f"{stack.base}/users/{user}",
    }
    result = subprocess.run(
        [tools.proto_python, str(CLIENTS / "claude_like.py"), "proto", json.dumps(spec)],
        stdin=subprocess.DEVNULL, capture_output=True, timeout=120, env=clean_env(settings))
    assert result.returncode == 0, f"client failed:\n{result.stdout.decode()}\n{result.stderr.decode()}\n{stack.logs()}"
    outcome = json.loads(result.stdout.decode().strip().splitlines()[-1])
    assert outcome["problems"] == [], outcome


@pytest.fixture(scope="module")
def people(tools, dash):
    """Three users: Ada and Grace with data sent through the SDK, Newcomer with none."""
    ada = dash.add_user(ADA_NAME)
    grace = dash.add_user(GRACE_NAME)
    newcomer = dash.add_user("Newcomer")
    send(tools, dash, ada, ADA)
    send(tools, dash, grace, GRACE)
    return {"ada": ada, "grace": grace, "newcomer": newcomer}


@pytest.fixture(scope="module")
def admin_token(dash) -> str:
    result = dash.admin("token", "add", "--name", "e2e-dashboard")
    output = result.stdout.decode(errors="replace")
    assert result.returncode == 0, f"token add failed ({result.returncode}): {result.stderr.decode(errors='replace')}{output}"
    tokens = re.findall(r"ctt_[A-Za-z0-9_-]{20,}", output)
    assert len(tokens) == 1, f"token add should print exactly one token:\n{output}"
    return tokens[0]


@pytest.fixture(scope="module")
def browser(artifacts):
    # Straight to 127.0.0.1: no proxy for the WebDriver connection, no driver download.
    for name in ("NO_PROXY", "no_proxy"):
        os.environ[name] = "127.0.0.1,localhost"
    os.environ["SE_OFFLINE"] = "true"
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--no-proxy-server", "--no-first-run", "--disable-extensions", "--hide-scrollbars",
                     "--window-size=1280,2000", "--lang=en-US"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    options.add_experimental_option("prefs", {"download.default_directory": str(artifacts / "downloads"),
                                              "download.prompt_for_download": False})
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver",
                      service_args=["--log-level=WARNING"], log_output=str(artifacts / "chromedriver.log"))
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


# --- helpers ---------------------------------------------------------------------------------


def dashboard_url(stack, fragment: str) -> str:
    return f"http://{LOOPBACK}:{stack.port}{PREFIX}/dashboard/{fragment}"


def open_view(driver, url: str, ready_css: str, width: int = 1280, height: int = 2000):
    """A fresh page load (not only a hash change), then waits for `ready_css`."""
    driver.set_window_size(width, height)
    driver.get("about:blank")
    driver.get_log("browser")  # start each view with an empty console
    driver.get(url)
    try:
        WebDriverWait(driver, 15).until(lambda d: d.find_elements(By.CSS_SELECTOR, ready_css))
    except TimeoutException:
        raise AssertionError(f"{ready_css} never appeared on {url}:\n{text(driver, 'body')}\n{driver.get_log('browser')}")
    wait_for_charts(driver)


# Every chart's canvas has its Chart.js chart (none when Chart.js is missing: no canvas then).
CHARTS_DRAWN = "return [...document.querySelectorAll('canvas')].every((c) => window.Chart?.getChart(c) !== undefined)"


def wait_for_charts(driver) -> None:
    """Charts are drawn in a microtask after the view (without animation): waits for them
    before anything is read or photographed."""
    assert wait_until(lambda: driver.execute_script(CHARTS_DRAWN), 10), f"charts never drawn:\n{driver.get_log('browser')}"


def instant(iso: str) -> datetime:
    return datetime.fromisoformat(iso.replace("Z", "+00:00"))


def text(driver, css: str) -> str:
    return driver.find_element(By.CSS_SELECTOR, css).text


def shoot(driver, artifacts: Path, name: str) -> Path:
    path = artifacts / f"{name}.png"
    driver.save_screenshot(str(path))
    return path


def console_problems(driver, allowed: tuple[str, ...] = ()) -> list[dict]:
    """Console entries at warning level or above (JavaScript errors, CSP violations, failed
    loads), except failed loads whose message contains one of `allowed`."""
    entries = driver.get_log("browser")
    return [e for e in entries if e["level"] in ("SEVERE", "WARNING")
            and not (e.get("source") == "network" and any(a in e["message"] for a in allowed))]


def assert_no_alert(driver) -> None:
    try:
        alert = driver.switch_to.alert
    except NoAlertPresentException:
        return
    raise AssertionError(f"a script ran: alert {alert.text!r}")


def card_values(driver) -> dict[str, tuple[str, str]]:
    """{figure key: (data-value, shown text)} for every card."""
    values = {}
    for card in driver.find_elements(By.CSS_SELECTOR, ".cards .card"):
        figure = card.find_element(By.CSS_SELECTOR, "dd.figure")
        values[card.get_attribute("data-figure")] = (figure.get_attribute("data-value"), figure.text)
    return values


def assert_cards_equal(driver, totals: dict) -> None:
    shown = card_values(driver)
    for key in EXACT_KEYS:
        value, display = shown[key]
        expected = totals[key]
        if isinstance(expected, float) or key in ("totalTokenCostUsd", "totalMinutes"):
            assert abs(float(value) - expected) < 1e-9, f"{key}: card holds {value}, stored {expected}"
        else:
            assert int(value) == expected, f"{key}: card holds {value}, stored {expected}"
        assert display == CARDS[key](totals), f"{key}: card shows {display!r}, expected {CARDS[key](totals)!r}"
    assert shown["editAcceptance"][1] == CARDS["editAcceptance"](totals)


def table_rows(driver, name: str) -> dict[str, dict[str, str]]:
    """{row header text: {column key: cell text}} of the table data-table=NAME."""
    rows = {}
    for row in driver.find_elements(By.CSS_SELECTOR, f'table[data-table="{name}"] tbody tr'):
        cells = row.find_elements(By.CSS_SELECTOR, "th, td")
        rows[cells[0].text] = {c.get_attribute("data-key"): c.text for c in cells}
        rows[cells[0].text]["_title"] = {c.get_attribute("data-key"): c.get_attribute("title") for c in cells}
    return rows


def env_lines(stack, user: str) -> list[str]:
    """The recommended block `claude-telemetry user env` prints (the lines the empty state must show)."""
    result = stack.admin("user", "env", user, "--url", f"http://{LOOPBACK}:{stack.port}")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.decode().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("export "))
    block = []
    for line in lines[start:]:
        if not line.startswith("export "):
            break
        block.append(line)
    return block


# --- the page itself -------------------------------------------------------------------------


def test_page_is_served_with_a_strict_policy(dash):
    page = curl(dashboard_url(dash, ""))
    assert page.status == 200, page
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert page.headers["content-security-policy"] == CSP
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert b"<script" in page.body and b"<script>" not in page.body and b"style=" not in page.body
    for name, kind in (("app.js", "text/javascript"), ("style.css", "text/css"), ("chart.js/chart.min.js", "text/javascript")):
        answer = curl(dashboard_url(dash, name))
        assert answer.status == 200, (name, answer.status)
        assert answer.headers["content-type"].split(";")[0] == kind, (name, answer.headers)
        assert answer.headers["x-content-type-options"] == "nosniff"
    # Without the slash: a redirect to the page, not the responder's 404.
    bare = curl(f"http://{LOOPBACK}:{dash.port}{PREFIX}/dashboard")
    assert bare.status == 301 and bare.headers["location"].endswith(f"{PREFIX}/dashboard/"), bare


def test_admin_tool_prints_the_dashboard_link(dash, people, tools, tmp_path):
    result = dash.admin("user", "env", people["ada"], "--url", f"http://{LOOPBACK}:{dash.port}")
    assert result.returncode == 0, result.stderr
    link = f"http://{LOOPBACK}:{dash.port}{PREFIX}/dashboard/#user={people['ada']}"
    assert result.stdout.decode().rstrip().endswith(link), result.stdout.decode()
    # `user add` too, with the public URL's path kept (in a data directory of its own, so the
    # team view keeps exactly its three users).
    added = subprocess.run([str(tools.admin), "user", "add", "--name", "linked", "--url", "https://telemetry.example.com/base/"],
                           capture_output=True, timeout=30, stdin=subprocess.DEVNULL,
                           env=clean_env({"CLAUDE_TELEMETRY_DATA_DIR": str(tmp_path / "data")}))
    assert added.returncode == 0, added.stderr
    output = added.stdout.decode()
    user = re.search(r"Created user ([0-9a-f-]{36})", output).group(1)
    assert output.rstrip().endswith(f"https://telemetry.example.com/base{PREFIX}/dashboard/#user={user}"), output


# --- personal view ---------------------------------------------------------------------------


def test_personal_view_shows_the_stored_figures(dash, people, browser, artifacts):
    ada = people["ada"]
    stored = dash.aggregate(ada)
    open_view(browser, dashboard_url(dash, f"#user={ada}"), ".cards")
    shoot(browser, artifacts, "personal")

    # The name is the one given to the admin tool, as text: no <b> element was made of it.
    assert text(browser, "h2 .name") == ADA_NAME
    assert browser.find_elements(By.CSS_SELECTOR, "h2 b") == []
    assert_cards_equal(browser, stored["totals"])
    # Every day of the data is today (UTC), so the 30-day figures equal the totals too.
    subs = {card.get_attribute("data-figure"): card.find_element(By.CSS_SELECTOR, "dd.sub").text
            for card in browser.find_elements(By.CSS_SELECTOR, ".cards .card")}
    assert subs["totalInputTokens"] == f"last 30 days: {compact(stored['totals']['totalInputTokens'])}"
    shown_update = browser.find_element(By.CSS_SELECTOR, ".received").get_attribute("data-updated")
    assert instant(shown_update) == instant(stored["updatedAt"]), (shown_update, stored["updatedAt"])
    assert "Last data received: just now" in text(browser, ".received") or "min ago" in text(browser, ".received")

    # Per model: every stored model, the hostile name shown literally, exact cost in the title.
    models = table_rows(browser, "models")
    assert set(models) == set(stored["models"]), (models.keys(), stored["models"].keys())
    total_cost = sum(m["costUsd"] for m in stored["models"].values())
    for name, model in stored["models"].items():
        row = models[name]
        assert row["costUsd"] == usd(model["costUsd"]), (name, row)
        assert row["apiRequests"] == f"{model['apiRequests']:,}", (name, row)
        assert row["inputTokens"] == compact(model["inputTokens"]), (name, row)
        assert row["_title"]["inputTokens"] == f"{model['inputTokens']:,} tokens"
        assert row["share"] == percent(model["costUsd"], total_cost), (name, row)
    assert EVIL_MODEL in models
    assert browser.execute_script("return document.querySelectorAll('img').length") == 0
    assert_no_alert(browser)

    # Per tool, from the stored tools map.
    tools_shown = table_rows(browser, "tools")
    assert set(tools_shown) == set(stored["tools"])
    for name, tool in stored["tools"].items():
        row = tools_shown[name]
        assert (row["calls"], row["failures"], row["accepts"], row["rejects"]) == (
            f"{tool['calls']:,}", f"{tool['failures']:,}", f"{tool['accepts']:,}", f"{tool['rejects']:,}"), (name, row)
    assert console_problems(browser) == []


def test_personal_view_lists_sessions_with_averages(dash, people, browser):
    ada = people["ada"]
    body = curl(f"{dash.base}/users/{ada}/summary").json()
    assert [s["id"] for s in body["sessions"]] == ["ada-1"]
    session = body["sessions"][0]
    # One session holds everything Ada sent (every point and record carried session.id ada-1).
    assert session["totals"]["totalTokenCostUsd"] == dash.aggregate(ada)["totals"]["totalTokenCostUsd"]
    open_view(browser, dashboard_url(dash, f"#user={ada}"), 'table[data-table="sessions"]')
    rows = table_rows(browser, "sessions")
    assert list(rows) == ["ada-1"]
    row = rows["ada-1"]
    assert row["cost"] == usd(session["totals"]["totalTokenCostUsd"])
    assert row["commits"] == f"{session['totals']['aiAssistedCommits']:,}"
    assert row["models"] == ", ".join(session["models"]) and SONNET in row["models"]
    assert row["last"] == session["lastActivity"][:16].replace("T", " ") + " UTC"
    assert text(browser, ".session-averages").startswith(f"Average per session: {usd(body['sessionAverages']['totalTokenCostUsd'])}, ")
    assert body["sessionAverages"]["sessions"] == 1
    assert console_problems(browser) == []


def test_personal_view_range_and_sorting(dash, people, browser, artifacts):
    ada = people["ada"]
    open_view(browser, dashboard_url(dash, f"#user={ada}"), ".cards")
    browser.find_element(By.CSS_SELECTOR, '.ranges a[data-range="7"]').click()
    WebDriverWait(browser, 10).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, '.ranges a[data-range="7"][aria-current="true"]'))
    assert browser.current_url.endswith(f"#user={ada}&range=7")
    # The view was drawn again; keyboard focus is back on the range just chosen.
    assert browser.switch_to.active_element.get_attribute("data-range") == "7"
    assert "last 7 days" in text(browser, "#daily-title")
    # A shared link opens the same range.
    open_view(browser, dashboard_url(dash, f"#user={ada}&range=90"), '.ranges a[data-range="90"][aria-current="true"]')

    # Sorting: the Model header sorts by name, ascending, and says so to assistive technology.
    header = browser.find_element(By.CSS_SELECTOR, 'table[data-table="models"] thead th:first-child')
    header.find_element(By.CSS_SELECTOR, "button").click()
    assert header.get_attribute("aria-sort") == "ascending"
    names = [row.find_element(By.CSS_SELECTOR, "th").text
             for row in browser.find_elements(By.CSS_SELECTOR, 'table[data-table="models"] tbody tr')]
    assert names == sorted(names, key=str.casefold) or names == sorted(names), names
    cost = browser.find_element(By.CSS_SELECTOR, 'table[data-table="models"] thead th:nth-child(7)')
    assert cost.get_attribute("aria-sort") is None
    # Keyboard: Enter on the focused header button sorts too.
    button = cost.find_element(By.CSS_SELECTOR, "button")
    browser.execute_script("arguments[0].focus()", button)
    button.send_keys("\n")
    assert cost.get_attribute("aria-sort") == "descending"
    assert console_problems(browser) == []


def test_empty_state_shows_the_lines_to_paste(dash, people, browser, artifacts):
    newcomer = people["newcomer"]
    open_view(browser, dashboard_url(dash, f"#user={newcomer}"), ".empty-state pre")
    shoot(browser, artifacts, "empty-state")
    shown = text(browser, ".empty-state pre").splitlines()
    assert shown == env_lines(dash, newcomer)
    assert f"export OTEL_EXPORTER_OTLP_ENDPOINT=http://{LOOPBACK}:{dash.port}{PREFIX}/users/{newcomer}" in shown
    assert "export CLAUDE_CODE_ENABLE_TELEMETRY=1" in shown
    assert browser.find_elements(By.CSS_SELECTOR, ".cards") == []
    assert console_problems(browser) == []


def test_unknown_user_gets_a_clear_message(dash, browser):
    open_view(browser, dashboard_url(dash, "#user=123e4567-e89b-42d3-a456-426614174000"), ".error")
    assert "No user with this id" in text(browser, ".error")
    # The 404 of the summary request is the expected answer, not a page error.
    assert console_problems(browser, allowed=("/summary",)) == []


def test_narrow_screen(dash, people, browser, artifacts):
    open_view(browser, dashboard_url(dash, f"#user={people['ada']}&range=7"), ".cards", width=360, height=2400)
    shoot(browser, artifacts, "personal-360px")
    width = browser.execute_script("return window.innerWidth")
    assert width == 360
    # Nothing wider than the screen: tables scroll inside their own region.
    assert browser.execute_script("return document.documentElement.scrollWidth") <= width
    card = browser.find_element(By.CSS_SELECTOR, ".cards .card")
    assert card.size["width"] < width / 2, card.size
    assert_cards_equal(browser, dash.aggregate(people["ada"])["totals"])
    assert console_problems(browser) == []


def test_dark_scheme(dash, people, browser, artifacts):
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
    try:
        open_view(browser, dashboard_url(dash, f"#user={people['ada']}"), ".cards")
        shoot(browser, artifacts, "personal-dark")
        background = browser.execute_script("return getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(22, 22, 21)", background
        assert console_problems(browser) == []
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})


# --- team view -------------------------------------------------------------------------------


def enter_token(driver, token: str) -> None:
    field = driver.find_element(By.CSS_SELECTOR, ".token-form input[type=password]")
    field.clear()
    field.send_keys(token + "\n")


def test_team_view_refuses_a_wrong_token(dash, people, browser, artifacts):
    open_view(browser, dashboard_url(dash, "#team"), ".token-form input[type=password]")
    # A user's id is not a team token, and neither is a made-up one.
    for wrong in (people["ada"], "ctt_" + "A" * 43):
        enter_token(browser, wrong)
        WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".token-form .error"))
        message = text(browser, ".token-form .error")
        assert "refused (HTTP 403)" in message, message
        assert browser.execute_script("return sessionStorage.length") == 0
        assert wrong not in browser.current_url
    shoot(browser, artifacts, "team-wrong-token")
    assert browser.find_elements(By.CSS_SELECTOR, ".cards") == []
    assert console_problems(browser, allowed=("/team/summary",)) == []


def test_team_view_with_the_admin_token(dash, people, admin_token, browser, artifacts):
    documents = {name: dash.aggregate(user) for name, user in people.items() if name != "newcomer"}
    open_view(browser, dashboard_url(dash, "#team"), ".token-form input[type=password]")
    enter_token(browser, admin_token)
    WebDriverWait(browser, 15).until(lambda d: d.find_elements(By.CSS_SELECTOR, 'table[data-table="leaderboard"]'))
    wait_for_charts(browser)
    shoot(browser, artifacts, "team")

    # Kept in this tab only: sessionStorage, never the URL or localStorage.
    assert browser.execute_script("return sessionStorage.getItem('claude-telemetry.team-token')") == admin_token
    assert browser.execute_script("return localStorage.length") == 0
    assert admin_token not in browser.current_url

    # Team totals are the sum of the stored documents.
    team = {key: sum(d["totals"][key] for d in documents.values()) for key in documents["ada"]["totals"] if key != "raw"}
    assert_cards_equal(browser, team)
    assert card_values(browser)["users"][0] == "3"

    # The leaderboard: one row per user with data, names literal, sorted by cost, figures from
    # each document; a user who never sent anything is listed apart, not ranked.
    board = table_rows(browser, "leaderboard")
    assert set(board) == {ADA_NAME, GRACE_NAME}, board.keys()
    order = [row.find_element(By.CSS_SELECTOR, "th").text
             for row in browser.find_elements(By.CSS_SELECTOR, 'table[data-table="leaderboard"] tbody tr')]
    assert order == [ADA_NAME, GRACE_NAME], order
    assert text(browser, ".no-data") == "No data received yet (not ranked): Newcomer"
    for name, key in ((ADA_NAME, "ada"), (GRACE_NAME, "grace")):
        totals = documents[key]["totals"]
        row = board[name]
        assert row["cost"] == usd(totals["totalTokenCostUsd"]), row
        tokens = sum(totals[k] for k in ("totalInputTokens", "totalOutputTokens", "totalCacheReadTokens", "totalCacheCreationTokens"))
        assert row["_title"]["tokens"] == f"{tokens:,} tokens", row
        assert row["lines"] == f"+{totals['totalLinesAdded']:,} / −{totals['totalLinesRemoved']:,}", row
        assert row["sessions"] == f"{totals['totalSessions']:,}", row
        assert row["active"] == duration(totals["totalMinutes"]), row
        assert row["commits"] == f"{totals['aiAssistedCommits']:,}", row
        assert row["prs"] == f"{totals['prsCreated']:,}", row
        commits, prs, added = totals["aiAssistedCommits"], totals["prsCreated"], totals["totalLinesAdded"]
        cost = totals["totalTokenCostUsd"]
        assert row["costPerCommitUsd"] == (usd(cost / commits) if commits else "—"), row
        assert row["costPerPullRequestUsd"] == (usd(cost / prs) if prs else "—"), row
        assert row["costPer100LinesAddedUsd"] == (usd(cost * 100 / added) if added else "—"), row
        decided = totals["editsAccepted"] + totals["editsRejected"]
        assert row["editAcceptance"] == (percent(totals["editsAccepted"], decided) if decided else "—"), row
    # Ada: $2.5268 over 3 commits, 1 PR, 420 lines; 9 of 11 edits accepted.
    assert (board[ADA_NAME]["costPerCommitUsd"], board[ADA_NAME]["costPerPullRequestUsd"],
            board[ADA_NAME]["costPer100LinesAddedUsd"], board[ADA_NAME]["editAcceptance"]) == ("$0.84", "$2.53", "$0.60", "82%")

    # The model mix holds the hostile model name as text.
    models = table_rows(browser, "models")
    assert EVIL_MODEL in models and SONNET in models and HAIKU in models
    assert browser.execute_script("return document.querySelectorAll('img').length") == 0
    assert_no_alert(browser)
    assert console_problems(browser) == []

    # The CSV export, fetched with the token and saved as a file: the same bytes the API answers.
    browser.find_element(By.CSS_SELECTOR, 'button[data-action="csv"]').click()
    downloads = artifacts / "downloads"
    assert wait_until(lambda: [p for p in downloads.glob("claude-code-team-*.csv")] if downloads.exists() else [], 15), \
        f"no CSV in {downloads}: {list(downloads.iterdir()) if downloads.exists() else 'missing'}"
    saved = next(downloads.glob("claude-code-team-*.csv"))
    # The page asks for the range it shows (the last 30 days in the server's zone).
    answer = curl(f"{dash.base}/team/summary.csv?days=30", headers={"Authorization": f"Bearer {admin_token}"})
    assert answer.status == 200 and saved.read_bytes() == answer.body, (saved.read_bytes()[:200], answer.body[:200])
    assert len(answer.body.decode().strip().splitlines()) == 1 + 3
    assert all(line.split(",")[-8] == "range" for line in answer.body.decode().strip().splitlines()[1:])
    assert console_problems(browser) == []

    # "Forget the token" empties the tab's storage and asks again.
    browser.find_element(By.CSS_SELECTOR, "button[data-action=forget]").click()
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".token-form input[type=password]"))
    assert browser.execute_script("return sessionStorage.length") == 0
    enter_token(browser, admin_token)
    WebDriverWait(browser, 15).until(lambda d: d.find_elements(By.CSS_SELECTOR, 'table[data-table="leaderboard"]'))

    # Each name links to that person's view.
    browser.find_element(By.LINK_TEXT, GRACE_NAME).click()
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".cards"))
    assert browser.current_url.split("#", 1)[1].startswith(f"user={people['grace']}")
    assert_cards_equal(browser, documents["grace"]["totals"])

    if os.environ.get("E2E_UPDATE_DOCS") == "1":
        for name in ("personal", "team"):
            shutil.copy(artifacts / f"{name}.png", REPO / "docs" / f"dashboard-{name}.png")


def test_team_view_says_what_waits_to_be_claimed(dash, people, admin_token, browser, artifacts):
    """Issue #20, item 5: requests parked in the service (here two naming a user id nobody has)
    are announced on the team view with the command that lists them; none, no banner."""
    def team_view():
        open_view(browser, dashboard_url(dash, "#team"), ".token-form input[type=password], table[data-table='leaderboard']")
        if browser.find_elements(By.CSS_SELECTOR, ".token-form input[type=password]"):
            enter_token(browser, admin_token)
        WebDriverWait(browser, 15).until(lambda d: d.find_elements(By.CSS_SELECTOR, 'table[data-table="leaderboard"]'))

    team_view()
    assert browser.find_elements(By.CSS_SELECTOR, ".parked-banner") == []
    unknown = "5f0c2b1a-9d8e-4c7b-8a6f-3e2d1c0b9a87"
    for fixture in ("metrics-delta.pb", "metrics-cumulative-1.pb"):
        sent = curl(f"{dash.base}/users/{unknown}/v1/metrics", headers={"Content-Type": "application/x-protobuf"},
                    data_file=FIXTURES / fixture)
        assert sent.status == 200, sent.body[:300]
    parked = json.loads(dash.admin("unclaimed", "--json").stdout)
    requests = sum(entry["requests"] for entry in parked)
    assert requests == 2, parked
    team_view()
    banner = text(browser, ".parked-banner")
    shoot(browser, artifacts, "team-parked")
    plural = "s" if requests != 1 else ""
    assert banner == (f"{requests} parked request{plural} from 1 unclaimed installation "
                      f"({requests} of them named a user id nobody has) wait to be claimed and are not in these "
                      "figures. An administrator lists them with claude-telemetry unclaimed and adds them to a user "
                      "with claude-telemetry user claim."), banner
    assert browser.find_element(By.CSS_SELECTOR, ".parked-banner code").text == "claude-telemetry unclaimed"
    assert console_problems(browser) == []
    # Claimed (the user created under that id), the banner goes.
    assert dash.admin("user", "add", "--id", unknown, "--name", "Typo fixed").returncode == 0
    team_view()
    assert browser.find_elements(By.CSS_SELECTOR, ".parked-banner") == []


def test_team_view_names_users_whose_files_cannot_be_read(dash, people, admin_token, browser, artifacts):
    """Issue #18's one rule for damaged files: the team view still answers, leaves the user out and
    names them with the command that finds the file; mended, the banner goes."""
    def team_view():
        open_view(browser, dashboard_url(dash, "#team"), ".token-form input[type=password], table[data-table='leaderboard']")
        if browser.find_elements(By.CSS_SELECTOR, ".token-form input[type=password]"):
            enter_token(browser, admin_token)
        WebDriverWait(browser, 15).until(lambda d: d.find_elements(By.CSS_SELECTOR, 'table[data-table="leaderboard"]'))

    team_view()
    assert browser.find_elements(By.CSS_SELECTOR, ".unreadable-banner") == []
    grace = people["grace"]
    dash.admin("compact", grace)
    stored = dash.aggregate_path(grace).read_bytes()
    try:
        dash.aggregate_path(grace).write_bytes(b'{"days":')
        team_view()
        banner = text(browser, ".unreadable-banner")
        shoot(browser, artifacts, "team-unreadable")
        assert banner == (f"1 user could not be read and is left out of these figures: {grace}. "
                          "An administrator finds the damaged file with claude-telemetry verify."), banner
        ranked = set(table_rows(browser, "leaderboard"))
        assert ADA_NAME in ranked and GRACE_NAME not in ranked, ranked
        assert console_problems(browser) == []
    finally:
        dash.aggregate_path(grace).write_bytes(stored)
    team_view()
    assert browser.find_elements(By.CSS_SELECTOR, ".unreadable-banner") == []
