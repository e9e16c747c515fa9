import uuid
from urllib.parse import urlencode


def post(client, url, data=None):
    # As a browser posts a form without files (multipart is refused on public pages).
    return client.post(url, urlencode(data or {}), content_type="application/x-www-form-urlencoded")


def pick(client, url, slot, token=None):
    return post(client, url, {"time": slot.key, "request_token": str(token or uuid.uuid4())})


def path_of(url):
    return url.removeprefix("http://127.0.0.1:8000")
