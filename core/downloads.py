"""Files sent to the browser: made on the fly and saved, or stored and played inside a page in ranges."""

import re

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

# One range only, as media players ask: "bytes=0-", "bytes=500-999", or the last 500 bytes "bytes=-500".
ONE_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024


def download(content, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def stored_file_response(request, stored, *, content_type: str, filename: str, as_attachment: bool) -> HttpResponse:
    """A stored file, whole or the one range of bytes asked for (206), so a video or audio player can start before
    the whole file arrives and jump to any point. A range that cannot be met gets 416; several ranges at once
    get the whole file, which the HTTP rules allow."""
    size = stored.size
    wanted = _range_of(request.headers.get("Range", ""), size)
    if wanted is None:
        response = FileResponse(stored.open("rb"), as_attachment=as_attachment, filename=filename,
                                content_type=content_type)
    elif wanted == ():
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    else:
        first, last = wanted
        response = StreamingHttpResponse(_bytes_of(stored, first, last), status=206, content_type=content_type)
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
        response["Content-Length"] = str(last - first + 1)
        response["Content-Disposition"] = content_disposition_header(as_attachment, filename)
    response["Accept-Ranges"] = "bytes"
    return response


def _range_of(header: str, size: int):
    """(first, last) byte asked for; () when the range lies outside the file; None for the whole file."""
    match = ONE_RANGE.match(header.strip())
    if not match or not (match[1] or match[2]):
        return None
    if not match[1]:
        length = int(match[2])
        return (max(size - length, 0), size - 1) if length and size else ()
    first = int(match[1])
    last = min(int(match[2]), size - 1) if match[2] else size - 1
    if first >= size or first > last:
        return ()
    return first, last


def _bytes_of(stored, first: int, last: int):
    with stored.open("rb") as handle:
        handle.seek(first)
        remaining = last - first + 1
        while remaining > 0:
            chunk = handle.read(min(CHUNK, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk
