"""Network sources: harvesters that fetch papers politely and resume where they stopped."""

from paperscope.harvest.arxiv import (
    HarvestError,
    HarvestReport,
    fetch_record,
    harvest_oai,
    state_name,
    user_agent,
)

__all__ = [
    "HarvestError",
    "HarvestReport",
    "fetch_record",
    "harvest_oai",
    "state_name",
    "user_agent",
]
