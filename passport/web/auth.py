"""Who is asking: the signed-in user on `g.user`, and decorators that let only some roles in."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any

from flask import abort, g, redirect, url_for


def require_role(*roles: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Signed-out visitors go to sign-in. A signed-in user of another role gets the same 404
    as a page that does not exist: the pages of other roles are not theirs to know about."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if g.get("user") is None:
                return redirect(url_for("accounts.sign_in"))
            if g.user.role not in roles:
                abort(404)
            return view(*args, **kwargs)

        return wrapper

    return decorate


def sign_in_required(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if g.get("user") is None:
            return redirect(url_for("accounts.sign_in"))
        return view(*args, **kwargs)

    return wrapper


def visible_record(session: Any, ref: str, today: date) -> tuple[int, dict[str, Any]]:
    """The current version of a child's record, if the signed-in user may see it; otherwise
    the same 404 as for a child that does not exist (`passport.access` decides)."""
    from passport import access
    from passport.records.service import RecordNotFound, load_current

    try:
        version, record = load_current(session, ref)
    except RecordNotFound:
        abort(404)
    if not access.can_see(g.get("user"), record, today):
        abort(404)
    return version, record
