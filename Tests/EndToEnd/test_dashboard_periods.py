"""The dashboard's controls for a team lead, in headless Chromium against the real stack: the
days / weeks / months switch and a custom range kept in the URL, the trend on the cards, budget
bars with their forecast (personal and team), the team's "group by" and per-person cost,
outcomes, the set-up lines on a page with data, the 360 px model table, the model donut's
caption, and bidirectional controls shown inert. Every number is compared with the API's."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import LOOPBACK, PREFIX, curl, started_stack
from test_dashboard import (artifacts, browser, console_problems, dashboard_url, enter_token, env_lines,  # noqa: F401
                            open_view, percent, shoot, table_rows, text, usd)

TODAY = datetime.now(timezone.utc).replace(hour=12, minute=0, second=0, microsecond=0)
BIDI_NAME = "B\u202eidi"


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).date().isoformat()


def export(at: datetime, cost: float, department: str | None, tokens: dict[str, float] | None = None) -> bytes:
    """An OTLP/JSON delta export of cost (and tokens by type) at `at`, as Claude Code sends it."""
    nanos = int(at.timestamp()) * 1_000_000_000

    def point(value, **attributes):
        return {"asDouble": value, "startTimeUnixNano": str(nanos - 60_000_000_000), "timeUnixNano": str(nanos),
                "attributes": [{"key": k, "value": {"stringValue": v}} for k, v in attributes.items()]}

    def metric(name, unit, points):
        return {"name": name, "unit": unit, "sum": {"aggregationTemporality": 1, "isMonotonic": True, "dataPoints": points}}

    metrics = [metric("claude_code.cost.usage", "USD", [point(cost, model="claude-sonnet-4-5")])]
    if tokens:
        metrics.append(metric("claude_code.token.usage", "tokens",
                              [point(v, type=t, model="claude-sonnet-4-5") for t, v in tokens.items()]))
    resource = {"attributes": [{"key": "department", "value": {"stringValue": department}}] if department else []}
    return json.dumps({"resourceMetrics": [{"resource": resource, "scopeMetrics": [{"metrics": metrics}]}]}).encode()


@pytest.fixture(scope="module")
def lead(tools):
    yield from started_stack(tools, "dashboard-lead", ["--threads", "2", "--team-attributes", "department"])


@pytest.fixture(scope="module")
def team(lead):
    """Trend: $3 eight days ago, $2 (and 600 input, 300 cache-read, 100 cache-creation tokens)
    yesterday, in platform; Second: $1.25 yesterday in web; a user named with a right-to-left
    override who sent $0.10 today; Idle: nothing. Trend has a budget of $10 a month, $4 a week."""
    users = {"trend": lead.add_user("Trend"), "second": lead.add_user("Second"), "bidi": lead.add_user(BIDI_NAME),
             "idle": lead.add_user("Idle")}
    for user, at, cost, department, tokens in [
        ("trend", TODAY - timedelta(days=8), 3.0, "platform", None),
        ("trend", TODAY - timedelta(days=1), 2.0, "platform", {"input": 600, "cacheRead": 300, "cacheCreation": 100}),
        ("second", TODAY - timedelta(days=1), 1.25, "web", None),
        ("bidi", TODAY - timedelta(hours=1), 0.1, None, None),
    ]:
        answer = curl(f"{lead.base}/users/{users[user]}/v1/metrics", method="POST", data=export(at, cost, department, tokens),
                      headers={"Content-Type": "application/json"})
        assert answer.status == 200, answer.body
    result = lead.admin("budget", "set", "--monthly-usd", "10", "--weekly-usd", "4", "--user", users["trend"])
    assert result.returncode == 0, result.stderr
    token = re.search(r"ctt_[A-Za-z0-9_-]{20,}", lead.admin("token", "add", "--name", "lead").stdout.decode()).group(0)
    return users, token


def open_team(browser, lead, fragment: str, token: str, ready_css: str) -> None:
    """The team view; the token is asked for unless this tab still holds it."""
    open_view(browser, dashboard_url(lead, fragment), ".token-form input[type=password], .cards")
    if browser.find_elements(By.CSS_SELECTOR, ".token-form input[type=password]"):
        enter_token(browser, token)
    WebDriverWait(browser, 15).until(lambda d: d.find_elements(By.CSS_SELECTOR, ready_css))


def summary(lead, user: str, query: str) -> dict:
    return curl(f"{lead.base}/users/{user}/summary?{query}").json()


def bucket_rows(browser) -> dict[str, list[str]]:
    """{bucket key: [cell texts]} of the chart's table (read through textContent: it is folded)."""
    rows = browser.execute_script(
        "return [...document.querySelectorAll('table[data-table=buckets] tbody tr')]"
        ".map(r => [r.dataset.bucket, ...[...r.children].map(c => c.textContent)])")
    return {row[0]: row[1:] for row in rows}


def test_period_switch_and_custom_range_are_kept_in_the_url(lead, team, browser, artifacts):
    users, _ = team
    trend = users["trend"]
    open_view(browser, dashboard_url(lead, f"#user={trend}&range=30"), ".cards")
    browser.find_element(By.CSS_SELECTOR, '.periods a[data-period="week"]').click()
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, '.periods a[data-period="week"][aria-current="true"]'))
    assert browser.current_url.endswith(f"#user={trend}&range=30&period=week")
    assert browser.switch_to.active_element.get_attribute("data-period") == "week"
    expected = summary(lead, trend, "days=30&period=week")["periods"]
    shown = bucket_rows(browser)
    assert list(shown) == sorted(expected)
    for key, row in shown.items():
        assert row[5] == usd(expected[key]["totals"]["totalTokenCostUsd"]), (key, row)
    assert sum(float(row[5].strip("$")) for row in shown.values()) == 5.0
    assert text(browser, "#daily-title").startswith("Per week, last 30 days")
    shoot(browser, artifacts, "personal-weeks")

    browser.find_element(By.CSS_SELECTOR, '.periods a[data-period="month"]').click()
    WebDriverWait(browser, 10).until(lambda d: d.current_url.endswith("&period=month"))
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, '.periods a[data-period="month"][aria-current="true"]'))
    months = summary(lead, trend, "days=30&period=month")["periods"]
    assert list(bucket_rows(browser)) == sorted(months)

    # A custom range: the form's two dates, then Show; the URL holds them and the cards follow.
    browser.execute_script(
        "const f = document.querySelector('.custom-range');"
        "f.querySelector('[name=from]').value = arguments[0]; f.querySelector('[name=to]').value = arguments[1];"
        "f.querySelector('button').click();", day(-8), day(-1))
    WebDriverWait(browser, 10).until(lambda d: f"from={day(-8)}&to={day(-1)}" in d.current_url)
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".cards"))
    assert browser.current_url.endswith(f"#user={trend}&from={day(-8)}&to={day(-1)}&period=month")
    cost = browser.find_element(By.CSS_SELECTOR, '.card[data-figure="totalTokenCostUsd"] dd.sub').text
    assert cost == f"{day(-8)} – {day(-1)}: $5.00"
    assert browser.find_elements(By.CSS_SELECTOR, '.ranges a[aria-current="true"]') == []
    # Reloading the link shows the same view.
    open_view(browser, browser.current_url, ".cards")
    assert browser.find_element(By.CSS_SELECTOR, '.card[data-figure="totalTokenCostUsd"] dd.sub').text == cost
    assert console_problems(browser) == []


def test_every_card_shows_the_trend_against_the_previous_period(lead, team, browser):
    users, _ = team
    open_view(browser, dashboard_url(lead, f"#user={users['trend']}&range=7"), ".cards .trend")
    trends = {card.get_attribute("data-figure"): card.find_element(By.CSS_SELECTOR, "dd.trend").text
              for card in browser.find_elements(By.CSS_SELECTOR, ".cards .card")}
    # Cost: $2 in the last 7 days against $3 in the 7 before: down a third.
    assert trends["totalTokenCostUsd"] == "▼ 33%"
    # Tokens arrived only in the last 7 days; sessions never.
    assert trends["totalInputTokens"] == "▲ new"
    assert trends["totalSessions"] == "—"
    assert trends["cacheReadShare"] == "▲ new"
    assert len(trends) == len(browser.find_elements(By.CSS_SELECTOR, ".cards .card"))
    body = summary(lead, users["trend"], "days=7")
    assert text(browser, '.card[data-figure="cacheReadShare"] dd.sub') == "last 7 days: 30%"
    assert body["cacheEfficiency"]["range"] == 0.3
    assert console_problems(browser) == []


def budget_text(b: dict, who: str) -> str:
    period = {"day": "Today", "week": "This week", "month": "This month"}[b["period"]]
    flag = " · over budget" if b["spentUsd"] >= b["limitUsd"] else (" · forecast over budget" if b["forecastUsd"] > b["limitUsd"] else "")
    return (f"{who} · {period} {usd(b['spentUsd'])} of {usd(b['limitUsd'])} ({percent(b['spentUsd'], b['limitUsd'])}) "
            f"· forecast {usd(b['forecastUsd'])}{flag}")


def test_budget_bars_with_the_forecast_on_the_personal_and_team_views(lead, team, browser, artifacts):
    users, token = team
    expected = summary(lead, users["trend"], "days=30")["budgets"]
    assert [b["period"] for b in expected] == ["month", "week"]
    open_view(browser, dashboard_url(lead, f"#user={users['trend']}"), ".budget")
    shoot(browser, artifacts, "personal-budgets")
    shown = browser.find_elements(By.CSS_SELECTOR, ".budget")
    assert [b.get_attribute("data-period") for b in shown] == ["month", "week"]
    for element, b in zip(shown, expected):
        assert element.find_element(By.CSS_SELECTOR, ".budget-text").text == budget_text(b, "Your budget")
        bar = element.find_element(By.CSS_SELECTOR, ".budget-bar")
        assert float(bar.get_attribute("aria-valuenow")) == b["spentUsd"]
        assert float(bar.get_attribute("aria-valuemax")) == b["limitUsd"]
        # The forecast marker sits at forecast / max(limit, forecast, spent) of the bar.
        scale = max(b["limitUsd"], b["forecastUsd"], b["spentUsd"])
        left = browser.execute_script("return arguments[0].querySelector('.budget-forecast').style.left", element)
        assert abs(float(left.rstrip("%")) - b["forecastUsd"] / scale * 100) < 1e-3, left
    # Someone without a budget sees none.
    open_view(browser, dashboard_url(lead, f"#user={users['second']}"), ".cards")
    assert browser.find_elements(By.CSS_SELECTOR, ".budget") == []

    open_team(browser, lead, "#team", token, ".budget")
    team_shown = [e.find_element(By.CSS_SELECTOR, ".budget-text").text for e in browser.find_elements(By.CSS_SELECTOR, ".budget")]
    assert team_shown == [budget_text(b, "Trend") for b in expected]
    assert console_problems(browser) == []


def test_team_group_by_split_by_person_outcomes_and_bidi(lead, team, browser, artifacts):
    users, token = team
    auth = {"Authorization": f"Bearer {token}"}
    open_team(browser, lead, "#team&range=30", token, 'table[data-table="split"]')

    # Per person: the top 8 by cost in the range (here all four with data… three), totals exact.
    split = table_rows(browser, "split")
    assert {name: row["total"] for name, row in split.items()} == {
        "Trend": "$5.00", "Second": "$1.25", "B⟦U+202E⟧idi": "$0.10"}
    # Users without data are apart from the ranking.
    assert text(browser, ".no-data") == "No data received yet (not ranked): Idle"
    board = table_rows(browser, "leaderboard")
    assert set(board) == {"Trend", "Second", "B⟦U+202E⟧idi"}
    # The override character is shown as a marker, never applied: no text node holds U+202E.
    assert browser.execute_script(
        "const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT); let n;"
        "while ((n = w.nextNode())) if (/[\\u202a-\\u202e\\u2066-\\u2069]/.test(n.data)) return true; return false;") is False

    # Group by department: the URL keeps it, the groups table has the API's groups and cost.
    Select(browser.find_element(By.CSS_SELECTOR, ".group-control select")).select_by_value("department")
    WebDriverWait(browser, 15).until(lambda d: d.find_elements(By.CSS_SELECTOR, 'table[data-table="groups"]'))
    assert "#team&group=department&range=30" in browser.current_url
    assert text(browser, "#groups-title") == "Cost per day by department"
    groups = table_rows(browser, "groups")
    api = curl(f"{lead.base}/team/summary?days=30&group=department", headers=auth).json()["groups"]
    assert list(groups) == [g["value"] for g in api] == ["platform", "web", "(none)"]
    for g in api:
        assert groups[g["value"]]["total"] == usd(g["rangeTotals"]["totalTokenCostUsd"]), g
        assert groups[g["value"]]["members"] == str(len(g["members"]))
    shoot(browser, artifacts, "team-groups")
    assert console_problems(browser) == []


def test_setup_lines_are_offered_on_a_page_with_data(lead, team, browser):
    users, _ = team
    trend = users["trend"]
    open_view(browser, dashboard_url(lead, f"#user={trend}"), ".setup-details")
    browser.find_element(By.CSS_SELECTOR, ".setup-details summary").click()
    path = browser.find_element(By.CSS_SELECTOR, '.setup-details pre[data-form="path"]').text.splitlines()
    assert path == env_lines(lead, trend)
    browser.find_element(By.CSS_SELECTOR, ".setup-details .header-form summary").click()
    header = browser.find_element(By.CSS_SELECTOR, '.setup-details pre[data-form="header"]').text.splitlines()
    assert header[-2:] == [f"export OTEL_EXPORTER_OTLP_ENDPOINT=http://{LOOPBACK}:{lead.port}{PREFIX}",
                           f"export OTEL_EXPORTER_OTLP_HEADERS=x-user-id={trend}"]
    browser.find_element(By.CSS_SELECTOR, ".trace-opt-in input").click()
    path = browser.find_element(By.CSS_SELECTOR, '.setup-details pre[data-form="path"]').text.splitlines()
    assert path == env_lines(lead, trend) + ["export CLAUDE_CODE_ENHANCED_TELEMETRY_BETA=1", "export OTEL_TRACES_EXPORTER=otlp"]
    assert len(browser.find_elements(By.CSS_SELECTOR, '.setup-details button[data-copy]')) == 2
    assert console_problems(browser) == []


def test_model_table_at_360_px_keeps_model_cost_and_share(lead, team, browser, artifacts):
    users, token = team
    open_view(browser, dashboard_url(lead, f"#user={users['trend']}"), ".cards", width=360, height=2400)
    shoot(browser, artifacts, "personal-360px-models")
    visible = browser.execute_script(
        "return [...document.querySelectorAll('table[data-table=models] thead th')]"
        ".filter(th => th.offsetWidth > 0).map(th => th.querySelector('button').dataset.key)")
    assert visible == ["name", "costUsd", "share"]
    table = browser.find_element(By.CSS_SELECTOR, 'table[data-table="models"]')
    assert table.size["width"] <= 360
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 360

    # The donut says what it measures, and its parts are cents that add up to the total.
    open_team(browser, lead, "#team", token, ".model-mix figcaption")
    caption = text(browser, ".model-mix figcaption")
    assert caption == "Cost share per model, all time: $6.35 in total; the parts are rounded to cents that add up to it."
    costs = [row["costUsd"] for row in table_rows(browser, "models").values()]
    assert sum(round(float(c.strip("$")) * 100) for c in costs) == 635
    assert console_problems(browser) == []
