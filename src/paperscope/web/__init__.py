"""The web service: server-rendered pages, a JSON API and feeds over a Library."""
