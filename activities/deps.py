"""What activities are built with. Constructed once per worker process."""

from __future__ import annotations

from dataclasses import dataclass

from temporalio.client import Client

from config.settings import Settings
from db.session import SessionFactory


@dataclass
class Deps:
    settings: Settings
    session_factory: SessionFactory
    client: Client  # for activities that signal other workflows (e.g. payment → escrow)
