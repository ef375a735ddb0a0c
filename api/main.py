"""ASGI entry point for uvicorn: `uvicorn api.main:app`."""

from api.app import create_app
from config.logging import configure_logging
from config.settings import get_settings

_settings = get_settings()
configure_logging(json_logs=_settings.log_json, level=_settings.log_level)
app = create_app(_settings)
