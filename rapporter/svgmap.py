"""A map of Norway's 357 municipalities drawn by the portal itself (server-side SVG).

The outlines (`samarbeid/data/kommuner-2024.geojson`, © Kartverket, CC BY 4.0) are
projected and simplified once — by `manage.py build_municipality_map`, which writes
`rapporter/static/rapporter/municipality-paths.json` — and read once per process. If the
file is missing the paths are computed at first use (about a second) and kept in memory.

Projection: sinusoidal around 15° E (the central meridian of UTM zone 33, which Norwegian
maps use); over Norway's extent it looks like the familiar UTM 33 map.
"""

from __future__ import annotations

import json
import math
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.safestring import SafeString, mark_safe

GEOJSON = Path(settings.BASE_DIR) / "samarbeid" / "data" / "kommuner-2024.geojson"
PATHS_FILE = Path(__file__).parent / "static" / "rapporter" / "municipality-paths.json"
CREDIT = "Kommunegrenser: © Kartverket (CC BY 4.0), bearbeidet/forenklet"
CREDIT_URL = "https://creativecommons.org/licenses/by/4.0/"

WIDTH = 1000.0  # SVG user units across the whole country
TOLERANCE = 0.6  # Douglas–Peucker tolerance in user units (about 0.7 km)
CENTRAL_LON = 15.0


def _project(lon: float, lat: float) -> tuple[float, float]:
    return (lon - CENTRAL_LON) * math.cos(math.radians(lat)), -lat


def _simplify(points: list[tuple[float, float]], tol: float) -> list[tuple[float, float]]:
    """Douglas–Peucker, iterative (rings have thousands of points)."""
    if len(points) < 4:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        norm = math.hypot(dx, dy)
        best, index = -1.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            dist = (abs(dy * px - dx * py + x2 * y1 - y2 * x1) / norm if norm
                    else math.hypot(px - x1, py - y1))
            if dist > best:
                best, index = dist, i
        if best > tol and index > 0:
            keep[index] = True
            stack.append((first, index))
            stack.append((index, last))
    return [p for p, k in zip(points, keep, strict=True) if k]


def _ring_path(ring: list[tuple[float, float]]) -> str:
    """Relative SVG path commands, one decimal: small output, exact shared borders."""
    pts = [(round(x, 1), round(y, 1)) for x, y in ring]
    dedup = [pts[0]]
    for p in pts[1:]:
        if p != dedup[-1]:
            dedup.append(p)
    if len(dedup) > 1 and dedup[-1] == dedup[0]:
        dedup.pop()
    if len(dedup) < 3:
        return ""

    def num(v: float) -> str:
        text = f"{v:.1f}".rstrip("0").rstrip(".")
        return "0" if text in ("-0", "") else text

    out = [f"M{num(dedup[0][0])} {num(dedup[0][1])}l"]
    prev = dedup[0]
    steps = []
    for p in dedup[1:]:
        steps.append(f"{num(round(p[0] - prev[0], 1))} {num(round(p[1] - prev[1], 1))}")
        prev = p
    out.append(" ".join(steps))
    out.append("z")
    return "".join(out)


def build_paths(geojson: Path = GEOJSON) -> dict[str, Any]:
    """{"viewbox": [...], "municipalities": {number: {"name", "d", "bbox"}}}."""
    data = json.loads(geojson.read_text(encoding="utf-8"))
    projected: dict[str, tuple[str, list[list[tuple[float, float]]]]] = {}
    xs: list[float] = []
    ys: list[float] = []
    for feature in data["features"]:
        props = feature["properties"]
        geom = feature["geometry"]
        polygons = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        rings = []
        for polygon in polygons:
            for ring in polygon:
                pts = [_project(lon, lat) for lon, lat in ring]
                rings.append(pts)
                xs.extend(p[0] for p in pts)
                ys.extend(p[1] for p in pts)
        projected[props["kommunenummer"]] = (props["navn"], rings)
    min_x, min_y = min(xs), min(ys)
    scale = WIDTH / (max(xs) - min_x)
    height = (max(ys) - min_y) * scale
    result: dict[str, Any] = {"viewbox": [0, 0, round(WIDTH, 1), round(height, 1)],
                              "municipalities": {}}
    for number, (name, rings) in sorted(projected.items()):
        parts = []
        bx: list[float] = []
        by: list[float] = []
        for ring in rings:
            scaled = [((x - min_x) * scale, (y - min_y) * scale) for x, y in ring]
            bx.extend(p[0] for p in scaled)
            by.extend(p[1] for p in scaled)
            part = _ring_path(_simplify(scaled, TOLERANCE))
            if not part:  # a tiny island: keep it visible at a finer tolerance
                part = _ring_path(_simplify(scaled, TOLERANCE / 10))
            if part:
                parts.append(part)
        result["municipalities"][number] = {
            "name": name, "d": "".join(parts),
            "bbox": [round(min(bx), 1), round(min(by), 1), round(max(bx), 1), round(max(by), 1)],
        }
    return result


def write_paths(target: Path = PATHS_FILE) -> dict[str, Any]:
    data = build_paths()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")),
                      encoding="utf-8")
    return data


@lru_cache(maxsize=1)
def paths() -> dict[str, Any]:
    """The precomputed paths, read once per process."""
    if PATHS_FILE.exists():
        return json.loads(PATHS_FILE.read_text(encoding="utf-8"))
    return build_paths()


_PATH_DATA = re.compile(r"^[Mlz0-9 .\-]*$")


@lru_cache(maxsize=1)
def safe_paths() -> dict[str, tuple[str, SafeString]]:
    """{number: (name, path data)} with the path data checked once to hold only path
    commands and numbers, so templates can skip escaping 200 KB on every request."""
    out: dict[str, tuple[str, SafeString]] = {}
    for number, outline in paths()["municipalities"].items():
        if not _PATH_DATA.match(outline["d"]):
            raise ValueError(f"unexpected characters in the outline of {number}")
        out[number] = (outline["name"], mark_safe(outline["d"]))  # noqa: S308 — checked above
    return out


def viewbox_for(numbers: list[str], pad: float = 12.0) -> str:
    """A viewBox around the given municipalities (the whole country if none)."""
    data = paths()
    boxes = [data["municipalities"][n]["bbox"] for n in numbers if n in data["municipalities"]]
    if not boxes:
        x, y, w, h = data["viewbox"]
        return f"{x} {y} {w} {h}"
    x0 = min(b[0] for b in boxes) - pad
    y0 = min(b[1] for b in boxes) - pad
    x1 = max(b[2] for b in boxes) + pad
    y1 = max(b[3] for b in boxes) + pad
    return f"{x0:.1f} {y0:.1f} {x1 - x0:.1f} {y1 - y0:.1f}"
