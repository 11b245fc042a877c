"""The one error for input a person can fix.

Everything that reads what people type or send (a search filter, a period in
a URL, a collection's name, a sign-up form, a digest setting) raises a
subclass of :class:`BadInput` with a message that names what was wrong. The
shells turn it into their own answer the same way everywhere: the web
service into a 400 (a page, or ``{"error": ..., "status": 400}`` for the API
and the JSON and feed twins), the CLI into ``error: ...`` and exit status 2.
No shell checks input on its own, so the two can never disagree.
"""

from __future__ import annotations


class BadInput(ValueError):
    """Input that cannot be used; ``param`` names the field or option, if one."""

    status = 400  # what the web answers; subclasses may say otherwise (429)

    def __init__(self, message: str, *, param: str | None = None):
        super().__init__(message)
        self.param = param
