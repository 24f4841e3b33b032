import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import RequestFactory

from core.downloads import stored_file_response

CONTENT = bytes(range(100))


@pytest.fixture
def stored():
    name = default_storage.save("tests/ranges.bin", ContentFile(CONTENT))
    file = default_storage.open(name)
    yield file
    file.close()
    default_storage.delete(name)


def respond(stored, range_header=None, as_attachment=False):
    headers = {"HTTP_RANGE": range_header} if range_header else {}
    return stored_file_response(RequestFactory().get("/", **headers), stored, content_type="audio/mpeg",
                                filename="answer.mp3", as_attachment=as_attachment)


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("header, first, last", [
    ("bytes=0-", 0, 99), ("bytes=10-19", 10, 19), ("bytes=90-500", 90, 99), ("bytes=-5", 95, 99), ("bytes=-500", 0, 99),
    (" bytes=0-0 ", 0, 0),
])
def test_one_range_is_sent_as_partial_content(stored, header, first, last):
    response = respond(stored, header)
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {first}-{last}/100"
    assert response["Content-Length"] == str(last - first + 1)
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Disposition"] == 'inline; filename="answer.mp3"'
    assert body(response) == CONTENT[first:last + 1]


@pytest.mark.parametrize("header", ["bytes=100-", "bytes=50-10", "bytes=-0"])
def test_a_range_outside_the_file_cannot_be_met(stored, header):
    response = respond(stored, header)
    assert response.status_code == 416
    assert response["Content-Range"] == "bytes */100"


@pytest.mark.parametrize("header", [None, "bytes=-", "bytes=0-5,10-15", "items=0-5", "bytes=x-"])
def test_no_range_or_one_we_do_not_serve_gets_the_whole_file(stored, header):
    response = respond(stored, header, as_attachment=True)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="answer.mp3"'
    assert response["Accept-Ranges"] == "bytes"
    assert body(response) == CONTENT
