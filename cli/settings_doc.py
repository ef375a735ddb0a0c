"""Prints the README's configuration table from Settings (run: python -m cli.settings_doc)."""

from __future__ import annotations

from config.settings import Settings


def table() -> str:
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        default = field.default_factory() if field.default_factory else field.default  # type: ignore[call-arg]
        shown = str(default)
        if len(shown) > 40:
            shown = shown[:37] + "…"
        meaning = (field.description or "").replace("|", "/")
        rows.append(f"| `MESHPAY_{name.upper()}` | `{shown}` | {meaning} |")
    return "\n".join(rows)


def update_readme(path: str = "README.md") -> None:
    """Rewrites the table between the settings-table markers in the README."""
    with open(path) as fh:
        text = fh.read()
    start, end = "<!-- settings-table:start -->", "<!-- settings-table:end -->"
    head, _, rest = text.partition(start)
    _, _, tail = rest.partition(end)
    with open(path, "w") as fh:
        fh.write(f"{head}{start}\n{table()}\n{end}{tail}")


if __name__ == "__main__":
    update_readme()
