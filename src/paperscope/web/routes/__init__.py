"""The site's routes, one module per area, each an ``APIRouter`` that
create_app includes. Every router carries the CSRF check (web/deps.py)."""
