"""Generated values sent to every form of the site, signed in with a valid
CSRF token, as a careless or hostile person could: no answer is a server
error. The fields are each route's own (read from its signature), plus
strangers; the values any text, numbers past 64 bits, controls, surrogates
escaped as the form encoding allows."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paperscope.web.app import ROUTERS
from tests.web.test_people import session_csrf, sign_up
from tests.web.test_security import lib_path  # noqa: F401 (the fixture)

VALUES = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=60),
    st.sampled_from(["", " ", "0", "-1", "99999999999999999999", "²", "1e309", "nan", "\x00",
                     "../../logout?", "%2e%2e", "<script>", "2603.00001", "https://x.test/",
                     "daily", "weekly", "save", "add", "remove", "stop"]),
)  # fmt: skip
SEGMENTS = st.one_of(st.sampled_from(["1", "0", "2603.00001", "99999999999999999999", "x"]),
                     st.text(alphabet="abc019.-_~%/", min_size=1, max_size=20))  # fmt: skip


def form_routes() -> list[tuple[str, list[str]]]:
    found = []
    for router in ROUTERS:
        for route in router.routes:
            if isinstance(route, APIRoute) and "POST" in route.methods:
                fields = [p.alias for p in route.dependant.body_params]
                found.append((route.path, fields))
    return found


@pytest.fixture
def member(lib_path, open_client):  # noqa: F811 (the fixture above)
    client = open_client(lib_path, base_url="http://paperscope.test")
    sign_up(client, "ada@example.org", "ada")
    return client, session_csrf(client)


@pytest.mark.parametrize("path, fields", form_routes(), ids=lambda v: str(v))
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_no_form_value_makes_a_server_error(member, path, fields, data):
    client, csrf = member
    url = re.sub(r"\{(\w+)(?::(\w+))?\}",
                 lambda m: data.draw(SEGMENTS if m[2] != "int" else st.sampled_from(
                     ["1", "2", "0", "99999999999999999999"])), path)  # fmt: skip
    form = {name: data.draw(VALUES) for name in fields if data.draw(st.booleans())}
    form.update(data.draw(st.dictionaries(st.text(min_size=1, max_size=10), VALUES, max_size=3)))
    form["csrf"] = csrf
    r = client.post(url, data=form, follow_redirects=False)
    assert r.status_code < 500, (url, form, r.status_code, r.text[:300])
