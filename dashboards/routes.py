"""The dashboard server's own routes: set and clear the HttpOnly session cookie.

A Streamlit page talks to the server over a WebSocket, and no WebSocket message can set a
cookie, let alone an ``HttpOnly`` one. So the sign-in page (``dashboards/ui.py``) checks the
password as before and then hands the server a signed, one-minute, one-use *ticket*
(:func:`audit.sessions.ticket`); ``POST /_callaudit/session`` turns it into the session cookie
(``HttpOnly``, ``SameSite=Strict``, ``Secure`` behind HTTPS, expiring with the session) in its
HTTP response. The page never holds the cookie's value. ``POST /_callaudit/signout`` logs the
sign-out (ending the session in every tab) and clears the cookie. ``dashboards/server.py``
serves them next to Streamlit's own routes.
"""

from __future__ import annotations

import logging
import time
from functools import cache

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from audit import auth, sessions

log = logging.getLogger("callaudit.server")

PREFIX = "_callaudit"  # dashboards.data.SERVER_ROUTE_PREFIX


def _base() -> str:
    from streamlit import config

    return (config.get_option("server.baseUrlPath") or "").strip("/")


def _path(name: str) -> str:
    return "/" + "/".join(p for p in (_base(), PREFIX, name) if p)


def _cookie_path() -> str:
    return "/" + _base() if _base() else "/"


def _secure(request: Request) -> bool:
    """Mark the cookie Secure when the browser speaks HTTPS (here or at the reverse proxy)."""
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto", "").lower() == "https"


def _same_origin(request: Request) -> bool:
    """A browser's POST from another site carries its Origin: refuse it (no cross-site sign-out)."""
    origin = request.headers.get("origin")
    if origin is None:
        return True
    host = request.headers.get("host", "")
    return origin.split("://", 1)[-1].rstrip("/") == host


@cache
def _engine_for(url: str):
    from audit.storage import make_engine

    return make_engine(url)


def _engine():
    from audit.storage import database_url

    return _engine_for(database_url())


def _secret() -> bytes:
    return sessions.load_secret(auth.users_file())


async def establish(request: Request) -> Response:
    """Set the session cookie for a valid ticket (204), else 403 and nothing set."""
    if not _same_origin(request):
        return Response(status_code=403)
    form = await request.form()
    try:
        redeemed = sessions.redeem(str(form.get("ticket") or ""), _secret())
    except sessions.SessionError as exc:
        log.error("cannot set a session cookie: %s", exc)
        return Response(status_code=500)
    if redeemed is None:
        return Response(status_code=403)
    token, claims = redeemed
    response = Response(status_code=204)
    response.set_cookie(sessions.COOKIE_NAME, token, max_age=max(1, int(claims.expires_at - time.time())),
                        path=_cookie_path(), httponly=True, samesite="strict", secure=_secure(request))
    response.headers["Cache-Control"] = "no-store"
    return response


async def signout(request: Request) -> Response:
    """Log the cookie's session as signed out (so it is over everywhere) and clear the cookie."""
    if not _same_origin(request):
        return Response(status_code=403)
    token = request.cookies.get(sessions.COOKIE_NAME)
    if token:
        try:
            claims = sessions.read(token, _secret())
            if claims is not None and not sessions.is_revoked(_engine(), claims.session_id):
                address = request.client.host if request.client else None
                sessions.record(_engine(), "sign_out", claims.username, address=address,
                                session_id=claims.session_id, detail="cookie cleared")
        except Exception as exc:  # noqa: BLE001 - the cookie is cleared whatever the log says
            log.error("cannot log a sign-out: %s", exc)
    response = Response(status_code=204)
    response.delete_cookie(sessions.COOKIE_NAME, path=_cookie_path(), httponly=True, samesite="strict",
                           secure=_secure(request))
    response.headers["Cache-Control"] = "no-store"
    return response


def routes() -> list[Route]:
    return [Route(_path("session"), establish, methods=["POST"]),
            Route(_path("signout"), signout, methods=["POST"])]
