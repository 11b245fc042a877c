"""The JSON API tested from its own OpenAPI description by Schemathesis:
generated requests, valid and not, for every operation; no server error, no
status or content type the description does not list, 405s that say which
methods are allowed. The number of examples is bounded to keep the suite fast.

Schemathesis reads the description when this module is imported, so the app
it calls is made then too, over a small library of its own (the seeds'
papers are not needed to find the API's holes; its hostile ones help)."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    allow_header_conformance,
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from paperscope.config import Settings
from paperscope.library import Library
from paperscope.web.app import create_app
from tests.web.conftest import NOW, crafted

_FOLDER = Path(tempfile.mkdtemp(prefix="paperscope-api-"))
atexit.register(shutil.rmtree, _FOLDER, ignore_errors=True)
with Library(_FOLDER / "library.db") as _lib, _lib.store.transaction():
    _lib.store.save_papers(crafted())
APP = create_app(Settings(database=str(_FOLDER / "library.db"), page_cache=0), clock=lambda: NOW)
schema = schemathesis.openapi.from_asgi("/api/openapi.json", APP)
# What the description promises. Not checked: that every request the schema
# allows is accepted (positive_data_acceptance), since "2026-13" has the shape
# of a month and still is not one: such a request gets its documented 400.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
    allow_header_conformance,
]


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_keeps_to_its_description(case):
    case.call_and_validate(checks=CHECKS)
