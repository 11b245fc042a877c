"""The shape of the code, checked: the rules the design rests on, so that the
holes an audit found (hand-written checks, hand-built URLs, shells reaching
past Library) cannot come back unnoticed."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from fastapi.routing import APIRoute

from paperscope.config import Settings
from paperscope.web.app import ROUTERS
from paperscope.web.deps import csrf_protect, require_member
from tests.conftest import REPO

SRC = REPO / "src" / "paperscope"
TEMPLATES = SRC / "web" / "templates"
# The one POST without the CSRF check: RFC 8058's one-click unsubscribe, which
# mail clients call with no token (the signed link is its authority).
NO_CSRF = {("POST", "/unsubscribe/{token}")}


def modules(under: Path = SRC) -> list[Path]:
    return sorted(p for p in under.rglob("*.py") if "vendor" not in p.parts)


def test_every_router_carries_the_csrf_check_itself():
    """The check is the router's, so a route added to it cannot forget it
    (tests/web/test_security.py posts to every route without a token)."""
    for router in ROUTERS:
        calls = [d.dependency for d in router.dependencies]
        posts = [r for r in router.routes if isinstance(r, APIRoute) and "POST" in r.methods]
        exempt = [r for r in posts if ("POST", r.path) in NO_CSRF]
        if exempt:
            assert csrf_protect not in calls and exempt == posts, router
        else:
            assert csrf_protect in calls, [r.path for r in router.routes]


def test_members_routers_ask_to_log_in_before_anything_else():
    for router in ROUTERS:
        calls = [d.dependency for d in router.dependencies]
        if require_member in calls:
            assert calls.index(require_member) < calls.index(csrf_protect)


def test_no_route_checks_csrf_or_the_session_by_hand():
    for path in modules(SRC / "web" / "routes"):
        text = path.read_text(encoding="utf-8")
        assert "csrf_protect(" not in text.replace("Depends(csrf_protect)", ""), path.name
        assert "cookies.get(SESSION_COOKIE)" not in text or path.name == "accounts.py", path.name


def test_no_template_formats_a_value_into_a_path_by_hand():
    """Links and form targets come from the URL helpers (paperscope.urls): a
    ``{{ }}`` may start an address, or sit in its query string, never inside
    its path after a literal ``/...``."""
    attribute = re.compile(r'(?:href|src|action|formaction|hx-get|hx-post)="([^"]*)"')
    for path in TEMPLATES.glob("*.html"):
        for value in attribute.findall(path.read_text(encoding="utf-8")):
            if "{{" not in value:
                continue
            shape = re.sub(r"\{\{.*?\}\}", "§", value)  # each expression, one mark
            path_part = shape.split("?", 1)[0].split("#", 1)[0]
            assert "§" not in path_part or path_part == "§", (path.name, value)


def test_no_sql_outside_the_store():
    """Only store/ (and search/pg.py, search inside PostgreSQL) talk SQL."""
    allowed = {SRC / "search" / "pg.py"}
    sql = re.compile(r"\b(SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM|CREATE TABLE)\b")
    for path in modules():
        if SRC / "store" in path.parents or path in allowed:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in ("execute", "executemany"):
                raise AssertionError(f"{path.relative_to(REPO)}:{node.lineno} runs SQL")
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                assert not sql.search(node.value), f"{path.relative_to(REPO)}:{node.lineno}"


def test_the_shells_go_through_library_not_into_the_database():
    """The web layer, the CLI and the jobs never touch ``.store`` or a connection."""
    shells = [*modules(SRC / "web"), SRC / "cli.py", SRC / "cli_output.py", SRC / "digest.py", SRC / "recommend.py",
              SRC / "submissions.py", SRC / "accounts.py", SRC / "schedule.py"]  # fmt: skip
    for path in shells:
        if not path.exists():
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in ("store", "conn", "reader"):
                raise AssertionError(f"{path.relative_to(REPO)}:{node.lineno} uses .{node.attr}")


def test_the_digest_job_does_not_import_the_web_layer():
    for path in [SRC / "digest.py", SRC / "recommend.py", SRC / "text.py", SRC / "urls.py"]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            assert not any(n.startswith("paperscope.web") for n in names), path.name


def test_settings_are_read_from_the_environment_in_one_place():
    """Only config.py reads the environment. (search/embed.py sets the Hugging
    Face libraries' offline switches, which is writing, not a setting.)"""
    reads = re.compile(r"os\.environ\.get|os\.environ\[[^]]+\](?!\s*=)|getenv|environ\.copy")
    for path in modules():
        if path == SRC / "config.py":
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            assert not reads.search(line), f"{path.relative_to(REPO)}:{n}: {line.strip()}"


def test_every_setting_has_one_environment_variable():
    variables = Settings.variables()
    assert len(set(variables.values())) == len(variables)
    assert all(name.startswith("PAPERSCOPE_") for name in variables)


def test_create_app_only_wires():
    """create_app builds the site and includes routers; no route lives in it."""
    tree = ast.parse((SRC / "web" / "app.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == "create_app":
            inner = [
                n for n in ast.walk(node) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
            ]
            assert [n.name for n in inner] == ["create_app", "lifespan"]
            assert node.end_lineno - node.lineno < 80
