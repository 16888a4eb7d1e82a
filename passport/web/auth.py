"""Who is asking: the signed-in user on `g.user`, and decorators that let only some roles in."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import g, redirect, render_template, url_for


def require_role(*roles: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Signed-out visitors go to sign-in; a signed-in user of another role gets a plain page."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if g.get("user") is None:
                return redirect(url_for("web.sign_in"))
            if g.user.role not in roles:
                return render_template("pages/not_yet.html"), 403
            return view(*args, **kwargs)

        return wrapper

    return decorate


def sign_in_required(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if g.get("user") is None:
            return redirect(url_for("web.sign_in"))
        return view(*args, **kwargs)

    return wrapper
