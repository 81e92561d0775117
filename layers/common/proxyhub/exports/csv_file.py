"""Rows to a CSV file in the export sink, a small chunk at a time: however many rows, memory holds one
chunk here and one upload part in the sink.

The file is UTF-8 with a byte-order mark, so spreadsheet programs read accents and CJK names right,
and rows end in CRLF (RFC 4180, the `csv` module's default). A text cell that a spreadsheet would run
as a formula (starting with =, +, -, @, tab or CR) is prefixed with an apostrophe; numbers are written
as they are.
"""

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from proxyhub.errors import InvalidInputError
from proxyhub.exports.ports import DownloadLink, ExportSink
from proxyhub.observability import logger

# Characters buffered before they are encoded and handed to the sink.
CHUNK_CHARS = 64 * 1024
BYTE_ORDER_MARK = "\ufeff"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

type Cell = str | int | None


class ExportTooLargeError(InvalidInputError):
    """More rows than one request can write before its time runs out; nothing is kept."""


@dataclass(frozen=True)
class ExportedFile:
    filename: str
    # Data rows, the header not counted.
    rows: int
    link: DownloadLink


def write_csv(
    sink: ExportSink,
    filename: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    *,
    out_of_time: Callable[[], bool] = lambda: False,
    narrower: str = "",
) -> ExportedFile:
    """Writes the header and every row to a new file; on any failure the upload is aborted.

    `out_of_time` is asked after every chunk: once it says so, the export stops with
    ExportTooLargeError (rather than the request timing out), `narrower` telling how to ask for less."""
    upload = sink.open(filename)
    try:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        buffer.write(BYTE_ORDER_MARK)
        writer.writerow(header)
        count = 0
        for row in rows:
            writer.writerow([_cell(value) for value in row])
            count += 1
            if buffer.tell() >= CHUNK_CHARS:
                if out_of_time():
                    raise ExportTooLargeError(
                        f"Too many rows to export at once: the time for one request ran out after {count:,} "
                        f"rows. {narrower}".strip()
                    )
                upload.write(buffer.getvalue().encode())
                buffer.seek(0)
                buffer.truncate()
        upload.write(buffer.getvalue().encode())
        link = upload.complete()
    except BaseException:
        try:
            upload.abort()
        except Exception:
            # The original failure is the one to report; the bucket's lifecycle rule cleans up.
            logger.exception("Export upload not aborted", extra={"filename": filename})
        raise
    return ExportedFile(filename, count, link)


def _cell(value: Cell) -> Cell:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return f"'{value}"
    return value
