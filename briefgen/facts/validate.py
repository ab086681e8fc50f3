"""Turn pydantic validation errors into located problems, one line each."""

from __future__ import annotations

import typing

from pydantic import BaseModel, ValidationError

from briefgen.errors import Problem
from briefgen.facts.suggest import did_you_mean
from briefgen.files.yamlfile import YamlDoc


def validate(model: type[BaseModel], doc: YamlDoc) -> tuple[BaseModel | None, list[Problem]]:
    """Validate a parsed YAML document against `model`; every error is located by line."""
    try:
        return model.model_validate(doc.value), []
    except ValidationError as exc:
        return None, _problems(exc, doc, model)


def dotted(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _data_path(loc: tuple, value: object) -> tuple:
    """The part of a pydantic `loc` that names real keys and items (drops union branch tags)."""
    path: list = []
    for part in loc:
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value):
            value = value[part]
        elif isinstance(value, dict) and isinstance(part, str) and not _is_branch_tag(part):
            path.append(part)  # a missing or unknown key: keep it, then stop
            break
        else:
            continue
        path.append(part)
    return tuple(path)


def _is_branch_tag(part: str) -> bool:
    return "[" in part or part in {"str", "int", "float", "bool", "list", "dict"}


def _problems(exc: ValidationError, doc: YamlDoc, model: type[BaseModel]) -> list[Problem]:
    grouped: dict[tuple, list[dict]] = {}
    for err in exc.errors(include_url=False):
        grouped.setdefault(_data_path(err["loc"], doc.value), []).append(err)
    problems = []
    for path, errs in grouped.items():
        problems.append(Problem(doc.at(path), _message(path, errs, model)))
    return problems


def _keys_at(model: type[BaseModel], path: tuple) -> list[str]:
    """The keys the schema allows at `path` (a record, a citation...), to suggest from."""
    current: object = model
    for part in path:
        if isinstance(part, int):
            continue  # an item of a list: the list's model is already in hand
        if not (isinstance(current, type) and issubclass(current, BaseModel)) or part not in current.model_fields:
            return []
        current = _model_in(current.model_fields[part].annotation)
    return list(current.model_fields) if isinstance(current, type) and issubclass(current, BaseModel) else []


def _model_in(tp: object) -> type[BaseModel] | None:
    """The pydantic model inside an annotation such as `list[Citation]` or `Record | None`."""
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return tp
    for arg in typing.get_args(tp):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _message(path: tuple, errs: list[dict], model: type[BaseModel]) -> str:
    kinds = {e["type"] for e in errs}
    if "extra_forbidden" in kinds:
        parent = dotted(path[:-1])
        message = f"unknown key '{path[-1]}'" + (f" in {parent}" if path[:-1] else "")
        allowed = _keys_at(model, path[:-1])
        hint = did_you_mean(str(path[-1]), allowed) if allowed else ""
        return message + (f"; {hint}" if hint else "")
    if "missing" in kinds:
        parent = dotted(path[:-1])
        return f"missing required key '{path[-1]}'" + (f" in {parent}" if path[:-1] else "")
    custom = [e for e in errs if e["type"] == "value_error"]
    chosen = custom or errs
    messages = []
    for e in chosen:
        msg = e["msg"].removeprefix("Value error, ")
        if e["type"] == "string_too_short" and e["ctx"].get("min_length") == 1:
            msg = "must not be empty"
        if e["type"] == "string_pattern_mismatch":
            msg = f"'{e['input']}' does not match the required form {e['ctx']['pattern']}"
        if msg not in messages:
            messages.append(msg)
    return f"{dotted(path)}: " + "; or ".join(messages)
