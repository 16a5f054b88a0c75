"""Render every stretch figure onto one sheet (PNG, or SVG by extension) so a person can look at them all.

Usage: python scripts/contact_sheet.py [--start] OUT.png [ID ...]

With --start, each figure is followed by its starting position as the player shows it while a person gets into
position (the start group in full, the held position faint), so both can be checked.
"""

from __future__ import annotations

import sys
from pathlib import Path

from backstretch.core.catalogue import CatalogueError, Stretch, parse_stretch
from backstretch.core.figure import FigureSpec, render_svg
from backstretch.library import load_catalogue

COLUMNS, CELL_W, CELL_H, FIGURE = 4, 300, 300, 230


def _figures(ids: list[str]) -> list[tuple[Stretch, FigureSpec]]:
    """With ids, read those files on their own (work in progress elsewhere cannot block); else the whole library."""
    if not ids:
        catalogue = load_catalogue()
        return [(catalogue[sid], catalogue.figure_of(sid)) for sid in sorted(catalogue)]
    folder = Path(__file__).resolve().parent.parent / "src" / "backstretch" / "data" / "stretches"
    found = []
    for sid in ids:
        try:
            stretch = parse_stretch((folder / f"{sid}.toml").read_text("utf-8"), f"{sid}.toml")
        except (CatalogueError, OSError) as error:
            print(error, file=sys.stderr)
            continue
        if stretch.figure is not None:
            found.append((stretch, stretch.figure))
    return found


def _at_start(svg: str) -> str:
    """As the player shows a figure during setup: the start group in full, everything after it at 12 %."""
    head, _, rest = svg.partition('<g opacity="')
    _, _, rest = rest.partition('">')
    start, _, after = rest.partition("</g>")
    held, _, _ = after.rpartition("</svg>")
    return f'{head}<g>{start}</g><g opacity="0.12">{held}</g></svg>'


def sheet(ids: list[str], with_start: bool = False) -> str:
    chosen: list[tuple[Stretch, str, str]] = []
    for stretch, figure in _figures(ids):
        svg = render_svg(figure, size=FIGURE)
        chosen.append((stretch, svg, stretch.name))
        if with_start and figure.hold:
            chosen.append((stretch, _at_start(svg), "(start position, as the player shows it)"))
    cells = []
    for i, (stretch, svg, name) in enumerate(chosen):
        x, y = (i % COLUMNS) * CELL_W, (i // COLUMNS) * CELL_H
        svg = svg.replace("<svg ", f'<svg x="{x + 30}" y="{y + 12}" ', 1)
        sid = stretch.id
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
    args = sys.argv[1:]
    with_start = "--start" in args
    args = [a for a in args if a != "--start"]
    if not args:
        sys.exit(__doc__)
    out = Path(args[0])
    svg = sheet(args[1:], with_start)
    if out.suffix == ".svg":
        out.write_text(svg, encoding="utf-8")
    else:
        import cairosvg  # dev dependency: only this script turns SVG into PNG

        cairosvg.svg2png(bytestring=svg.encode(), write_to=str(out))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
