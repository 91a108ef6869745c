"""Team cost per model per day, end to end on a stack cut in America/Los_Angeles: what Claude
Code sent, per model and day, in the team summary (`modelsByDay`), in the CSV (`by=model`), on
the team page's "by person / by model" switch (headless Chromium), and in the usage report
(named in the zone, broken down by model). A user whose document was stored before days kept
their models shows as "unknown model", never spread over models. Then `claude-telemetry prune`
takes "today" in the zone it is given."""

from __future__ import annotations

import json
import os
import re
import shutil
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import REPO, curl, started_stack
from test_dashboard import (artifacts, browser, console_problems, dashboard_url, open_view,  # noqa: F401
                            shoot, table_rows, usd)
from test_dashboard_periods import open_team

ZONE = "America/Los_Angeles"
LA = ZoneInfo(ZONE)
TODAY = datetime.now(LA).date()
OPUS, SONNET, HAIKU = "claude-opus-4-1", "claude-sonnet-4-5", "claude-haiku-4-5"
SMALL = [f"model-{n}" for n in range(1, 8)]  # model-1 $0.07 … model-7 $0.01


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


def noon(offset: int) -> datetime:
    """Noon in Los Angeles of the day `offset` days from today there."""
    d = TODAY + timedelta(days=offset)
    return datetime(d.year, d.month, d.day, 12, tzinfo=LA)


def export(points: list[tuple[int, str, float, int]]) -> bytes:
    """One OTLP/JSON delta export of (day offset, model, cost, input tokens) points."""
    def attrs(**kv):
        return [{"key": k, "value": {"stringValue": v}} for k, v in kv.items()]

    def point(offset, value, **kv):
        nanos = int(noon(offset).timestamp()) * 1_000_000_000
        return {"asDouble": value, "startTimeUnixNano": str(nanos - 60_000_000_000), "timeUnixNano": str(nanos),
                "attributes": attrs(**kv)}

    def metric(name, unit, data):
        return {"name": name, "unit": unit, "sum": {"aggregationTemporality": 1, "isMonotonic": True, "dataPoints": data}}

    metrics = [metric("claude_code.cost.usage", "USD", [point(o, c, model=m) for o, m, c, _ in points]),
               metric("claude_code.token.usage", "tokens", [point(o, t, type="input", model=m) for o, m, _, t in points])]
    return json.dumps({"resourceMetrics": [{"resource": {"attributes": []}, "scopeMetrics": [{"metrics": metrics}]}]}).encode()


@pytest.fixture(scope="module")
def zoned(tools):
    yield from started_stack(tools, "team-models", ["--threads", "2", "--timezone", ZONE])


@pytest.fixture(scope="module")
def team(zoned):
    """Ann: sonnet $2 (1000 tokens) and haiku $0.50 (200) yesterday, opus $4 (50) three days ago;
    Ben: sonnet $1.25 (10) yesterday, haiku $0.75 (20) two days ago; Cat: seven small models
    yesterday; Old: sonnet $3 (30) two days ago, stored before days kept their models."""
    users = {name: zoned.add_user(name) for name in ("Ann", "Ben", "Cat", "Old")}
    sent = {
        "Ann": [(-1, SONNET, 2.0, 1000), (-1, HAIKU, 0.5, 200), (-3, OPUS, 4.0, 50)],
        "Ben": [(-1, SONNET, 1.25, 10), (-2, HAIKU, 0.75, 20)],
        "Cat": [(-1, name, (8 - n) / 100, n) for n, name in enumerate(SMALL, 1)],
        "Old": [(-2, SONNET, 3.0, 30)],
    }
    for name, points in sent.items():
        answer = curl(f"{zoned.base}/users/{users[name]}/v1/metrics", method="POST", data=export(points),
                      headers={"Content-Type": "application/json"})
        assert answer.status == 200, answer.body
    # Old's one write is its aggregate.json (the journal is empty): rewrite it as the version
    # before this one wrote it, with no models in its days.
    path = zoned.aggregate_path(users["Old"])
    document = json.loads(path.read_bytes())
    assert set(document["days"]) == {day(-2)}
    assert document["days"][day(-2)]["models"][SONNET]["costUsd"] == 3.0
    for entry in document["days"].values():
        entry.pop("models")
    path.with_suffix(".new").write_text(json.dumps(document, separators=(",", ":"), sort_keys=True) + "\n")
    os.chmod(path.with_suffix(".new"), 0o600)
    os.replace(path.with_suffix(".new"), path)
    token = re.search(r"ctt_[A-Za-z0-9_-]{20,}", zoned.admin("token", "add", "--name", "lead").stdout.decode()).group(0)
    return users, token


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_days_are_cut_in_the_zone_and_hold_their_models(zoned, team):
    users, _ = team
    ann = zoned.aggregate(users["Ann"])
    assert sorted(ann["days"]) == [day(-3), day(-1)]
    assert {m: v["costUsd"] for m, v in ann["days"][day(-1)]["models"].items()} == {SONNET: 2.0, HAIKU: 0.5}
    assert {m: v["inputTokens"] for m, v in ann["days"][day(-1)]["models"].items()} == {SONNET: 1000, HAIKU: 200}
    assert "models" not in zoned.aggregate(users["Old"])["days"][day(-2)]


def test_team_summary_gives_each_days_models_and_the_unknown_part(zoned, team):
    _, token = team
    body = curl(f"{zoned.base}/team/summary?days=30", headers=auth(token)).json()
    by_day = body["modelsByDay"]
    assert sorted(by_day) == [day(-3), day(-2), day(-1)]
    costs = {d: {m: v["costUsd"] for m, v in e["models"].items()} for d, e in by_day.items()}
    assert costs[day(-1)] == {SONNET: 3.25, HAIKU: 0.5, **{m: (8 - n) / 100 for n, m in enumerate(SMALL, 1)}}
    assert costs[day(-2)] == {HAIKU: 0.75}
    assert costs[day(-3)] == {OPUS: 4.0}
    assert by_day[day(-1)]["models"][SONNET]["inputTokens"] == 1010
    # Old's day has no models: it is the unknown part of that day, with its exact figures.
    assert by_day[day(-2)]["unknownModel"]["costUsd"] == 3.0
    assert by_day[day(-2)]["unknownModel"]["inputTokens"] == 30
    assert "unknownModel" not in by_day[day(-1)] and "unknownModel" not in by_day[day(-3)]
    for d, entry in by_day.items():
        parts = sum(v["costUsd"] for v in entry["models"].values()) + entry.get("unknownModel", {}).get("costUsd", 0)
        assert abs(parts - body["days"][d]["totalTokenCostUsd"]) < 1e-12, d


def test_csv_by_model(zoned, team):
    _, token = team
    answer = curl(f"{zoned.base}/team/summary.csv?days=30&by=model", headers=auth(token))
    assert answer.status == 200, answer.body
    lines = answer.body.decode().splitlines()
    assert lines[0] == "model,inputTokens,outputTokens,cacheReadTokens,cacheCreationTokens,costUsd,apiRequests,apiErrors,period,from,to"
    span = f"range,{day(-29)},{day(0)}"
    assert lines[1:] == [
        f"{HAIKU},220,0,0,0,1.25,0,0,{span}",
        f"{OPUS},50,0,0,0,4,0,0,{span}",
        f"{SONNET},1010,0,0,0,3.25,0,0,{span}",
        *[f"{m},{n},0,0,0,{(8 - n) / 100:g},0,0,{span}" for n, m in enumerate(SMALL, 1)],
        f",30,0,0,0,3,0,0,{span}",
    ]
    refused = curl(f"{zoned.base}/team/summary.csv?days=30&by=models", headers=auth(token))
    assert refused.status == 400 and b"parameter 'by' is 'models'; expected user or model" in refused.body


def split_rows(driver) -> list[tuple[str, str]]:
    """(series, total) of the split table, in its order."""
    return driver.execute_script(
        "return [...document.querySelectorAll('table[data-table=split] tbody tr')]"
        ".map(r => [r.dataset.series, r.querySelector('[data-key=total]').textContent])")


def test_page_switches_the_split_between_person_and_model(zoned, team, browser, artifacts):
    _, token = team
    open_team(browser, zoned, "#team&range=30", token, 'table[data-table="split"]')
    # The Users card: everyone, those with data in the range, and the trend against the range before.
    users_card = browser.find_element(By.CSS_SELECTOR, '.card[data-figure="users"]')
    assert users_card.find_element(By.CSS_SELECTOR, "dd.figure").text == "4"
    assert users_card.find_element(By.CSS_SELECTOR, "dd.sub").text == "last 30 days: 4"
    assert users_card.find_element(By.CSS_SELECTOR, "dd.trend").text == "▲ new"
    assert browser.find_element(By.CSS_SELECTOR, '.split-switch a[aria-current="true"]').get_attribute("data-split") == "person"
    assert [name for name, _ in split_rows(browser)] == ["Ann", "Old", "Ben", "Cat"]
    assert dict(split_rows(browser)) == {"Ann": "$6.50", "Old": "$3.00", "Ben": "$2.00", "Cat": "$0.28"}

    browser.find_element(By.CSS_SELECTOR, '.split-switch a[data-split="model"]').click()
    WebDriverWait(browser, 15).until(lambda d: d.find_elements(By.CSS_SELECTOR, 'section[data-split="model"] table[data-table="split"]'))
    assert browser.current_url.endswith("#team&split=model&range=30")
    assert browser.switch_to.active_element.get_attribute("data-split") == "model"
    assert browser.find_element(By.CSS_SELECTOR, "#split-title").text == "Team cost per day by model (top 8 and others)"
    # The 8 models that cost most, the other two together, then what no model accounts for.
    assert split_rows(browser) == [
        [OPUS, "$4.00"], [SONNET, "$3.25"], [HAIKU, "$1.25"], ["model-1", "$0.07"], ["model-2", "$0.06"],
        ["model-3", "$0.05"], ["model-4", "$0.04"], ["model-5", "$0.03"], ["2 other models", "$0.03"],
        ["unknown model", "$3.00"],
    ]
    # Per day: the columns are the range's days; two days ago holds Ben's haiku and Old's unknown part.
    column = browser.execute_script(
        "const heads = [...document.querySelectorAll('table[data-table=split] thead th')].map(th => th.textContent);"
        "const at = heads.length - 1 - 2;"  # the day two days before the last column (today)
        "return Object.fromEntries([...document.querySelectorAll('table[data-table=split] tbody tr')]"
        ".map(r => [r.dataset.series, r.children[at].textContent]));")
    assert column[HAIKU] == "$0.75" and column["unknown model"] == "$3.00" and column[SONNET] == "$0.00"
    # The rest and the unknown part have colours of their own, never a model's.
    kinds = browser.execute_script(
        "return Object.fromEntries([...document.querySelectorAll('table[data-table=split] tbody tr')]"
        ".filter(r => r.dataset.kind).map(r => [r.dataset.series, r.dataset.kind]))")
    assert kinds == {"2 other models": "rest", "unknown model": "unknown"}
    colours = browser.execute_script(
        "const c = Chart.getChart(document.querySelector('section[data-split] canvas'));"
        "return c.data.datasets.map(d => [d.label, d.backgroundColor]);")
    style = browser.execute_script(
        "const s = getComputedStyle(document.documentElement);"
        "return [1,2,3,4,5,6,7,8].map(n => s.getPropertyValue('--series-' + n).trim())"
        ".concat([s.getPropertyValue('--series-rest').trim(), s.getPropertyValue('--series-unknown').trim()]);")
    assert [c for _, c in colours] == style
    note = browser.find_element(By.CSS_SELECTOR, '[data-note="unknown-model"]').text
    assert note.startswith("unknown model: cost of days stored before cost was kept per model and day")
    browser.execute_script("document.querySelector('#split-title').scrollIntoView()")
    picture = shoot(browser, artifacts, "team-split-by-model")
    if os.environ.get("E2E_UPDATE_DOCS") == "1":
        shutil.copy(picture, REPO / "docs" / "dashboard-team-by-model.png")

    # The model donut: the 8 models that cost most, the other two as one part in the rest's colour.
    donut = browser.execute_script(
        "const c = Chart.getChart(document.querySelector('.model-mix canvas'));"
        "return [c.data.labels, c.data.datasets[0].backgroundColor];")
    assert donut[0] == [
        f"{SONNET}: $6.25 (53%)", f"{OPUS}: $4.00 (34%)", f"{HAIKU}: $1.25 (11%)", "model-1: $0.07 (0.6%)", "model-2: $0.06 (0.5%)",
        "model-3: $0.05 (0.4%)", "model-4: $0.04 (0.3%)", "model-5: $0.03 (0.3%)", "2 other models: $0.03 (0.3%)"]
    assert donut[1] == style[:8] + [style[8]]

    # The switch survives a change of bucket size, and a reload shows the same view.
    browser.find_element(By.CSS_SELECTOR, '.periods a[data-period="week"]').click()
    WebDriverWait(browser, 15).until(lambda d: d.current_url.endswith("#team&split=model&range=30&period=week"))
    WebDriverWait(browser, 15).until(lambda d: d.find_elements(By.CSS_SELECTOR, 'section[data-split="model"] table[data-table="split"]'))
    assert dict(split_rows(browser))["unknown model"] == "$3.00"
    assert dict(split_rows(browser))[OPUS] == "$4.00"
    open_view(browser, browser.current_url, 'section[data-split="model"]')

    browser.find_element(By.CSS_SELECTOR, '.split-switch a[data-split="person"]').click()
    WebDriverWait(browser, 15).until(lambda d: d.find_elements(By.CSS_SELECTOR, 'section[data-split="person"] table[data-table="split"]'))
    assert browser.current_url.endswith("#team&range=30&period=week")
    assert dict(split_rows(browser)) == {"Ann": "$6.50", "Old": "$3.00", "Ben": "$2.00", "Cat": "$0.28"}
    assert console_problems(browser) == []


def test_usage_report_names_the_zone_and_breaks_down_by_model(zoned, team):
    _, token = team
    answer = curl(f"{zoned.base}/team/usage_report/claude_code?starting_at={day(-1)}", headers=auth(token))
    assert answer.status == 200, answer.body
    records = {r["actor"]["api_key_name"]: r for r in answer.json()["data"]}
    assert set(records) == {"Ann", "Ben", "Cat"}
    offset = noon(-1).replace(hour=0).strftime("%z")
    assert records["Ann"]["date"] == f"{day(-1)}T00:00:00{offset[:3]}:{offset[3:]}"
    assert [(m["model"], m["estimated_cost"]["amount"], m["tokens"]["input"]) for m in records["Ann"]["model_breakdown"]] == [
        (HAIKU, 50, 200), (SONNET, 200, 1000)]
    # Old's day two days ago was stored without models: one entry, the user's only model.
    old = curl(f"{zoned.base}/team/usage_report/claude_code?starting_at={day(-2)}", headers=auth(token)).json()["data"]
    by_name = {r["actor"]["api_key_name"]: r["model_breakdown"] for r in old}
    assert [(m["model"], m["estimated_cost"]["amount"]) for m in by_name["Old"]] == [(SONNET, 300)]
    missing = curl(f"{zoned.base}/team/usage_report/claude_code", headers=auth(token))
    assert missing.status == 400
    assert missing.json()["message"] == (
        f"starting_at is required: the day to report, as YYYY-MM-DD (days are cut in {ZONE}, the service's --timezone)")


def test_prune_takes_today_in_the_zone_it_is_given(zoned, team):
    users, _ = team
    # A zone whose date differs from UTC's now: +14 h late in the UTC day, -11 h early in it.
    hour = datetime.now(timezone.utc).hour
    zone = "Pacific/Kiritimati" if hour >= 10 else "Pacific/Pago_Pago"
    runs = {}
    for name, args, env in [("flag", ["--timezone", zone], {}), ("env", [], {"CLAUDE_TELEMETRY_TIMEZONE": zone}),
                            ("utc", ["--timezone", "UTC"], {})]:
        result = zoned.admin("prune", "--retention-days", "2", "--dry-run", *args, env=env)
        assert result.returncode == 0, result.stderr
        runs[name] = result.stdout.decode()
    today = datetime.now(ZoneInfo(zone)).date()
    utc_today = datetime.now(timezone.utc).date()
    assert today != utc_today
    cutoff = (today - timedelta(days=2)).isoformat()
    first = runs["flag"].splitlines()[0]
    assert first == f"Keeping days from {cutoff} (retention 2 days, today {today.isoformat()} in {zone}), dry run:"
    assert runs["env"] == runs["flag"]
    assert runs["utc"].splitlines()[0] == (
        f"Keeping days from {(utc_today - timedelta(days=2)).isoformat()} (retention 2 days, today {utc_today.isoformat()} in UTC), dry run:")
    # What would go: the days before the cutoff, per user (Ann's three days ago, Ben's and Old's two days ago, …).
    stored = {name: sorted(zoned.aggregate(user)["days"]) for name, user in users.items()}
    for name, user in users.items():
        expected = [d for d in stored[name] if d < cutoff]
        row = next(line for line in runs["flag"].splitlines() if line.startswith(user))
        assert row.split()[2] == str(len(expected)), (row, expected)
    bad = zoned.admin("prune", "--retention-days", "2", "--dry-run", "--timezone", "Mars/Olympus")
    assert bad.returncode == 64 and b"timezone" in bad.stderr
