"""Reading a rule pack: the YAML file, its ``extends`` chain, and validation errors that name the
file, the rule and the field (the detector's own checks included, :mod:`audit.rules.detectors`).

:func:`load_pack` returns the compiled :class:`audit.rules.pack.RulePack`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from audit.rules.detectors import DETECTORS
from audit.rules.model import Alerts, ModelSettings, PackError, PackFile, Parameters, Rule
from audit.rules.pack import RulePack

PACKS_DIR = Path(__file__).with_name("packs")
DEFAULT_PACK = PACKS_DIR / "default.yaml"


def _format_errors(path: Path, raw: dict, exc: ValidationError) -> str:
    lines = []
    listed = raw.get("rules")
    rules = listed if isinstance(listed, list) else []
    for err in exc.errors():
        loc = list(err["loc"])
        where = f"{path}"
        if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
            entry = rules[loc[1]] if loc[1] < len(rules) else {}
            rid = entry.get("id") if isinstance(entry, dict) else None
            where += f": rule {rid or '#' + str(loc[1] + 1)}"
            loc = loc[2:]
            # the discriminated union puts the detector type into the path: drop it
            if len(loc) >= 2 and loc[0] == "detector" and isinstance(entry, dict) \
                    and isinstance(entry.get("detector"), dict) and loc[1] == entry["detector"].get("type"):
                loc = [loc[0], *loc[2:]]
        field = ".".join(str(x) for x in loc) or "(rule)"
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown field; remove it or fix the spelling"
            if loc and loc[0] == "detector" and isinstance(entry := (rules[int(err["loc"][1])]
                                                                       if err["loc"][0] == "rules" else {}), dict):
                cls = DETECTORS.get(str((entry.get("detector") or {}).get("type")))
                if cls is not None:
                    msg += f" (valid fields: {', '.join(f for f in cls.model_fields if f != 'type')})"
        elif err["type"] == "missing":
            msg = "required field is missing; add it"
        elif err["type"] == "union_tag_invalid":
            msg = f"{msg}; use one of the listed detector types"
        lines.append(f"{where}: field {field}: {msg}")
    return "\n".join(lines)


def _read(path: Path) -> tuple[PackFile, dict]:
    if not path.is_file():
        raise PackError(f"{path}: no such rule pack file")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise PackError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise PackError(f"{path}: a rule pack is a mapping with 'name' and 'rules'")
    try:
        pack = PackFile.model_validate(raw)
    except ValidationError as exc:
        raise PackError(_format_errors(path, raw, exc)) from None
    seen: set[str] = set()
    for rule in pack.rules:
        if rule.id in seen:
            raise PackError(f"{path}: rule {rule.id}: field id: duplicate rule id; give each rule its own id")
        seen.add(rule.id)
    return pack, raw


_Model = tuple[ModelSettings, Path] | None  # a pack's model: section and the file that declares it


def _resolve(path: Path, chain: tuple[Path, ...] = ()) -> tuple[dict[str, Any], list[Rule], list[str], _Model,
                                                                Alerts | None]:
    """Parameters (as set), rules, the chain of files, the model section (the nearest file that
    declares ``model:`` gives it whole) and the alert policy (the nearest file's that sets one) of
    a pack after ``extends``."""
    path = path.resolve()
    if path in chain:
        raise PackError(f"{path}: field extends: circular 'extends' ({' -> '.join(map(str, chain))})")
    pack, _ = _read(path)
    params: dict[str, Any] = {}
    rules: list[Rule] = []
    files = [str(path)]
    model: _Model = None
    alerts = None
    if pack.extends:
        parent = DEFAULT_PACK if pack.extends == "default" else (path.parent / pack.extends)
        params, rules, parent_files, model, alerts = _resolve(Path(parent), (*chain, path))
        files = parent_files + files
        known = {r.id for r in rules}
        for rid in pack.disable:
            if rid not in known:
                raise PackError(f"{path}: rule {rid}: field disable: no such inherited rule")
    own = {r.id for r in pack.rules}
    rules = [r for r in rules if r.id not in own and r.id not in pack.disable] + list(pack.rules)
    for name in pack.parameters.model_fields_set:
        value = getattr(pack.parameters, name)
        if name in ("severity_weights", "word_classes") and name in params:
            value = {**params[name], **value}
        params[name] = value
    if pack.model is not None:
        model = (pack.model, path)
    return params, rules, files, model, pack.alerts or alerts


def load_pack(path: str | Path | None = None) -> RulePack:
    """Load, validate and compile a rule pack.

    Args:
        path: a pack YAML file; ``None`` loads the default Chinese pack.

    Raises:
        PackError: the file is missing, not YAML, or a rule is invalid; the message names the
            file, the rule id and the field.
    """
    path = Path(path) if path is not None else DEFAULT_PACK
    params, rules, _, model, alerts = _resolve(path)
    settings, training_file = None, None
    if model is not None:
        settings, declared_in = model
        if settings.training_file is not None:
            training_file = declared_in.parent / settings.training_file
            if not training_file.is_file():
                raise PackError(f"{declared_in}: field model.training_file: no such file {training_file}; "
                                f"the path is relative to the pack file (remove the field to switch the model off)")
    return RulePack(rules, Parameters(**params), source=str(path), model=settings, training_file=training_file,
                    alerts=alerts)
