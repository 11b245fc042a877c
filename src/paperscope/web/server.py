"""Running the web service under uvicorn, with settings handed to every worker.

uvicorn starts each worker process afresh (``spawn``) and loads the app in
it. Instead of passing settings through environment variables set in the
parent, the :class:`Settings` object travels inside uvicorn's own ``Config``,
which uvicorn pickles to each worker: the worker builds
``create_app(settings)`` from exactly what ``paperscope serve`` read.

Proxy headers are not uvicorn's to trust: the app itself believes
``X-Forwarded-For`` and ``X-Forwarded-Proto`` only from the addresses in
``settings.trusted_proxies`` (see :func:`paperscope.web.app.create_app`).
"""

from __future__ import annotations

import functools
from typing import Any

import uvicorn
from uvicorn.supervisors import Multiprocess

from paperscope.config import Settings


class _Config(uvicorn.Config):
    """uvicorn's config, carrying paperscope's settings to each worker."""

    def __init__(self, settings: Settings, **options: Any):
        super().__init__("paperscope.web.app:create_app", factory=True, **options)
        self.paperscope_settings = settings

    def load_app(self) -> Any:
        from paperscope.web.app import create_app

        return functools.partial(create_app, self.paperscope_settings)


def serve(settings: Settings, *, host: str, port: int, workers: int = 1) -> None:
    """Serve ``settings``' library on ``host``:``port`` until interrupted."""
    config = _Config(
        settings,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        proxy_headers=False,  # the app decides whom to believe (trusted_proxies)
        server_header=False,
    )
    server = uvicorn.Server(config)
    try:
        if workers > 1:
            Multiprocess(config, sockets=[config.bind_socket()]).run()
        else:
            server.run()
    except KeyboardInterrupt:
        pass
