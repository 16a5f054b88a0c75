"""Render every stretch figure onto one sheet (PNG, or SVG by extension) so a person can look at them all.

Usage: python scripts/contact_sheet.py OUT.png [ID ...]
"""

from __future__ import annotations

import sys
from pathlib import Path

from backstretch.core.figure import render_svg
from backstretch.library import load_catalogue

COLUMNS, CELL_W, CELL_H, FIGURE = 4, 300, 300, 230


def sheet(ids: list[str]) -> str:
    catalogue = load_catalogue()
    chosen = ids or sorted(catalogue)
    cells = []
    for i, sid in enumerate(chosen):
        x, y = (i % COLUMNS) * CELL_W, (i // COLUMNS) * CELL_H
        svg = render_svg(catalogue.figure_of(sid), size=FIGURE).replace("<svg ", f'<svg x="{x + 30}" y="{y + 12}" ', 1)
        name = catalogue[sid].name
        cells.append(
            f'{svg}<text x="{x + 10}" y="{y + 262}" font-size="13" font-family="DejaVu Sans" font-weight="bold">'
            f"{sid}</text>"
            f'<text x="{x + 10}" y="{y + 280}" font-size="11" font-family="DejaVu Sans">{name[:42]}</text>'
        )
    rows = (len(chosen) + COLUMNS - 1) // COLUMNS
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{COLUMNS * CELL_W}" height="{rows * CELL_H}">'
        f'<rect width="100%" height="100%" fill="white"/>{"".join(cells)}</svg>'
    )


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = Path(sys.argv[1])
    svg = sheet(sys.argv[2:])
    if out.suffix == ".svg":
        out.write_text(svg, encoding="utf-8")
    else:
        import cairosvg  # dev dependency: only this script turns SVG into PNG

        cairosvg.svg2png(bytestring=svg.encode(), write_to=str(out))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
