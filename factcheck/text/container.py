"""Reading ZIP-based documents (.docx, and any container format after it) without trusting them.

A ZIP entry says how big it will be once inflated, and that can be a lie or simply enormous: 2 MB of
deflated XML can expand to 2 GB. So before anything parses a byte, every entry's declared size and
compression ratio is checked against caps, and while an entry is inflated the bytes really produced are
counted against the same caps; reading stops the moment one is passed. Nothing here parses XML.
"""
from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass

__all__ = ["ContainerLimits", "ContainerError", "read_members"]

_CHUNK = 64 * 1024


class ContainerError(ValueError):
    """The archive is damaged or bigger than the caps; the message is for the person uploading."""


@dataclass(frozen=True)
class ContainerLimits:
    max_unpacked: int = 32 * 1024 * 1024     # bytes, all entries read together
    max_entries: int = 2000                  # a Word document has a few dozen
    max_ratio: int = 100                     # inflated / deflated, for entries past `ratio_from` bytes
    ratio_from: int = 1024 * 1024            # small entries may compress very well (empty styles)


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):,.0f} MB"


def _too_big(kind: str, limits: ContainerLimits) -> ContainerError:
    return ContainerError(f"This {kind} unpacks to more than {_mb(limits.max_unpacked)}, far more than any "
                          "article; it was not opened. Save the text as plain .txt and upload that instead.")


def _check_ratio(name: str, produced: int, compressed: int, kind: str, limits: ContainerLimits) -> None:
    if produced > limits.ratio_from and produced > limits.max_ratio * max(compressed, 1):
        raise ContainerError(f"Part of this {kind} ({name}) expands more than {limits.max_ratio} times, which "
                             "is how archive bombs are made; it was not opened. Save the text as plain .txt "
                             "and upload that instead.")


def read_members(data: bytes, wanted, *, limits: ContainerLimits, kind: str = "document") -> dict[str, bytes]:
    """The inflated bytes of the entries whose name `wanted(name)` accepts, each and all within `limits`.

    Every entry is checked by what it declares first (so a bomb is refused without inflating anything),
    then the wanted ones are inflated in chunks, counting what really comes out."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise ContainerError(f"This {kind} is damaged: its archive could not be read.") from exc
    if len(infos) > limits.max_entries:
        raise ContainerError(f"This {kind} holds {len(infos):,} parts; more than {limits.max_entries:,} is "
                             "not a document we can read.")
    declared = 0
    for info in infos:
        declared += info.file_size
        if declared > limits.max_unpacked:
            raise _too_big(kind, limits)
        _check_ratio(info.filename, info.file_size, info.compress_size, kind, limits)
    out: dict[str, bytes] = {}
    produced_total = 0
    try:
        for info in infos:
            if info.is_dir() or not wanted(info.filename):
                continue
            parts, produced = [], 0
            with archive.open(info) as member:
                while chunk := member.read(_CHUNK):
                    produced += len(chunk)
                    produced_total += len(chunk)
                    if produced > info.file_size or produced_total > limits.max_unpacked:
                        raise _too_big(kind, limits)
                    _check_ratio(info.filename, produced, info.compress_size, kind, limits)
                    parts.append(chunk)
            out[info.filename] = b"".join(parts)
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, OSError, EOFError) as exc:
        # CRC or size mismatch, an unknown compression method, an encrypted entry, a truncated file
        raise ContainerError(f"This {kind} is damaged or encrypted: part of it could not be unpacked.") from exc
    return out
