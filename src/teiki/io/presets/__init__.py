"""The shipped presets: one TOML file each in this folder, found by name and recognised by header signature.

A preset file is a mapping file (:mod:`teiki.io.mapping`) with a few keys of its own::

    name = "shopify"
    description = "Shopify 注文エクスポート"       # the layout's name, as import summaries show it
    description_en = "Shopify orders export"    # the same in English
    signature = ["Name", "Lineitem quantity"]   # headers that together identify the layout
    tables = ["orders"]                         # optional: the only tables the layout can hold
    refuse = "<message key>"                    # optional: a layout that cannot be imported, and why

Adding a preset is adding its TOML file here. A file whose headers hold every header of a preset's signature
is read with that preset (the longest signature wins); any other file with the :data:`DEFAULT` preset.
"""

from __future__ import annotations

import dataclasses
import functools
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from teiki.errors import InputError
from teiki.store.schema import TABLES
from teiki.io.mapping import Mapping, TableMapping, normal_header, parse_mapping

CANONICAL = "teiki"  # the column names of SPEC §2, exactly
DEFAULT = "ja"  # accepts the canonical names as well as common Japanese headers


@dataclass(frozen=True)
class Preset:
    name: str
    description: str
    signature: tuple[str, ...]  # empty: never chosen from headers alone
    data: dict

    @property
    def refusal(self) -> str | None:
        """The message key of why a file of this layout cannot be imported (``refuse = "<key>"``), if it cannot."""
        return self.data.get("refuse")

    def mapping(self) -> Mapping:
        mapping = parse_mapping(self.data, self.name, f"preset {self.name}")
        if "tables" in self.data:
            mapping.only_tables = tuple(self.data["tables"])
        return mapping


@functools.cache
def presets() -> dict[str, Preset]:
    """Every shipped preset by name: the canonical one, the default, then the others by name."""
    found = {}
    for entry in sorted(resources.files(__name__).iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml"):
            continue
        data = tomllib.loads(entry.read_text(encoding="utf-8"))
        name = data.get("name", entry.name.removesuffix(".toml"))
        found[name] = Preset(name, data.get("description", ""), tuple(data.get("signature", ())), data)
    first = [n for n in (CANONICAL, DEFAULT) if n in found]
    return {n: found[n] for n in first + sorted(set(found) - set(first))}


def load_preset(name: str, file: str | None = None) -> Mapping:
    """A shipped preset's mapping by name; a layout that cannot be imported is refused with its reason, naming
    ``file``."""
    if name not in presets():
        raise InputError(name, "unknown_preset", name=name, names=", ".join(presets()))
    preset = presets()[name]
    if preset.refusal:
        raise InputError(file or name, preset.refusal, layout=preset.description)
    return preset.mapping()


def recognise(headers: list[str]) -> Preset | None:
    """The preset whose signature headers all appear in ``headers`` (as columns match: regardless of case and of
    full- / half-width forms; the longest signature first)."""
    present = {normal_header(h) for h in headers}
    matches = [p for p in presets().values() if p.signature and {normal_header(h) for h in p.signature} <= present]
    return max(matches, key=lambda p: len(p.signature), default=None)


NEAR_MISS = 0.6  # a file holding this share of a preset's signature (at least two headers) is that layout, broken


def near_misses(headers: list[str]) -> list[tuple[Preset, list[str]]]:
    """Presets most of whose signature the file holds, but not all: (preset, the signature headers missing)."""
    present = {normal_header(h) for h in headers}
    found = []
    for preset in presets().values():
        if not preset.signature:
            continue
        missing = [h for h in preset.signature if normal_header(h) not in present]
        held = len(preset.signature) - len(missing)
        if missing and held >= 2 and held >= NEAR_MISS * len(preset.signature):
            found.append((preset, missing))
    return sorted(found, key=lambda m: len(m[1]))


def load_mapping_file(path: Path) -> Mapping:
    """A user's mapping file, on top of the preset it names (default: canonical)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(path.name, "bad_mapping", detail=str(exc)) from exc
    own = parse_mapping(data, path.name, path.name)
    base = load_preset(data.get("preset", CANONICAL))
    tables = dict(base.tables)
    for table_name, table_mapping in own.tables.items():
        tables[table_name] = tables.get(table_name, TableMapping()).merged(table_mapping)
    return Mapping(path.name, tables, own.encoding or base.encoding, own.delimiter or base.delimiter,
                   base.only_tables, own.timezone or base.timezone, own.date_format or base.date_format,
                   own.description or path.name, own.description_en or path.name)


def choose_mapping(headers: list[str], preset: str | None, mapping_file: Path | None,
                   file: str | None = None) -> Mapping:
    """The mapping a file (named ``file``) is read with: the user's file, the preset named, the one its headers
    match, else the default."""
    if mapping_file is not None:
        return load_mapping_file(mapping_file)
    if preset is not None:
        return load_preset(preset, file)
    recognised = recognise(headers)
    if recognised is None and (near := near_misses(headers)):
        # most of a cart's layout is there, not all: reading it as plain headers could store it anywhere
        raise InputError(file or "", "layout_incomplete", layouts="; ".join(
            f"{p.description} ({p.name}): {', '.join(missing)}" for p, missing in near), preset=near[0][0].name)
    mapping = load_preset(recognised.name if recognised else DEFAULT, file)
    if recognised is None and _canonical_only(headers):  # read as the default (its value names too), named truly
        canonical = load_preset(CANONICAL)
        mapping = dataclasses.replace(mapping, description=canonical.description,
                                      description_en=canonical.description_en)
    return mapping


def _canonical_only(headers: list[str]) -> bool:
    """Whether the headers the default layout reads are all canonical column names (none of its Japanese ones)."""
    present = {normal_header(h) for h in headers}
    canonical = {normal_header(c) for spec in TABLES.values() for c in spec.column_names}
    japanese = {normal_header(h) for t in load_preset(DEFAULT).tables.values() for hs in t.columns.values()
                for h in hs} - canonical
    return bool(present & canonical) and not present & japanese
