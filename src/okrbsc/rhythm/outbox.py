"""What `remind --send` and `digest --send` hand to delivery (SPEC 16.3).

The commands render one body per channel and one e-mail per person; delivery
(`rhythm/deliver.py`) only sends what it is given, so every medium's escaping
stays with its renderer.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Email:
    """One message to one person: a plain-text and an HTML part."""

    person: str  # the id in `people`
    address: str
    name: str
    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class Outbox:
    """Everything one run would send.

    ``bodies`` maps a webhook channel (``slack``, ``teams``, ``mattermost``) to the
    JSON body to POST; ``emails`` are the messages for ``to: email``;
    ``no_address`` names the people owed something who have no ``email`` (listed
    as not delivered, which is not a failure).
    """

    bodies: dict[str, bytes] = field(default_factory=dict)
    emails: list[Email] = field(default_factory=list)
    no_address: list[str] = field(default_factory=list)
