"""The schema.org items a web page carries in JSON-LD, microdata and RDFa, read with extruct, as JSON-LD-shaped
dicts (`{"@type": "ClaimReview", "claimReviewed": ..., "author": {"@type": "Organization", "name": ...}}`).

Pure: extruct is handed the page's bytes and address, and nothing is fetched (no RDFa vocabulary, no JSON-LD
context). Types and property names are shortened to schema.org's own words ("https://schema.org/ClaimReview" and
"schema:ClaimReview" are "ClaimReview"); RDFa's flat graph of nodes is folded back into nested items.
"""
from __future__ import annotations

_PREFIXES = ("http://schema.org/", "https://schema.org/", "schema:")
MAX_DEPTH = 8     # how deep an RDFa item's nodes are folded in (a cycle stops there)


def short(name: str) -> str:
    for prefix in _PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def _shorten(node, depth: int = 0):
    """Types and keys in schema.org's short words, throughout (iteratively deep enough for any real page)."""
    if depth > 64:
        return None
    if isinstance(node, list):
        return [_shorten(v, depth + 1) for v in node]
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            key = short(key) if isinstance(key, str) else key
            if key == "@type":
                value = [short(v) for v in value if isinstance(v, str)] if isinstance(value, list) else \
                    short(value) if isinstance(value, str) else value
                if isinstance(value, list) and len(value) == 1:
                    value = value[0]
            else:
                value = _shorten(value, depth + 1)
            out[key] = value
        return out
    return node


def _fold_rdfa(nodes: list) -> list[dict]:
    """RDFa's expanded nodes (`{"@id", "@type": [iri], iri: [{"@value"} | {"@id"}]}`) as nested items; every node
    that has a schema.org type is an item, the ones it points at folded in."""
    by_id = {n.get("@id"): n for n in nodes if isinstance(n, dict) and n.get("@id")}

    def fold(node: dict, depth: int):
        item: dict = {}
        types = [short(t) for t in node.get("@type") or [] if isinstance(t, str)]
        if types:
            item["@type"] = types[0] if len(types) == 1 else types
        for key, values in node.items():
            if key.startswith("@") or not key.startswith(_PREFIXES[:2]):
                continue
            out = []
            for value in values if isinstance(values, list) else [values]:
                if not isinstance(value, dict):
                    out.append(value)
                elif "@value" in value:
                    out.append(value["@value"])
                elif "@id" in value:
                    target = by_id.get(value["@id"])
                    out.append(fold(target, depth + 1) if target is not None and depth < MAX_DEPTH
                               else value["@id"])
            item[short(key)] = out[0] if len(out) == 1 else out
        return item

    return [fold(n, 0) for n in nodes if isinstance(n, dict)
            and any(isinstance(t, str) and t.startswith(_PREFIXES[:2]) for t in n.get("@type") or [])]


def items(html: bytes, *, url: str, encoding: str | None = None) -> list:
    """Every schema.org item of the page at `url` (its final address: relative links resolve from it): its JSON-LD
    blocks as written, then its microdata and RDFa items. A block that does not parse is left out."""
    import extruct

    data = extruct.extract(html, base_url=url, encoding=encoding or "UTF-8",
                           syntaxes=["json-ld", "microdata", "rdfa"], uniform=True, errors="ignore")
    found = list(data.get("json-ld") or []) + list(data.get("microdata") or [])
    return _shorten(found) + _fold_rdfa(data.get("rdfa") or [])
