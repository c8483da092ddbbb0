"""``teiki serve``: the dashboard (teiki.web) on a local or, with a password, a network address."""

from __future__ import annotations

from typing import Annotated

import typer

from teiki.cli.common import context, help_text, refuse, reported
from teiki.messages import say

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")

app = typer.Typer()


@app.command(help=help_text("help_serve"))
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help=help_text("help_host"))] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help=help_text("help_port"))] = 8000,
    password: Annotated[str | None, typer.Option("--password", envvar="TEIKI_PASSWORD", show_default=False,
                                                 help=help_text("help_password"))] = None,
    max_upload_mb: Annotated[int, typer.Option("--max-upload-mb", min=1, help=help_text("help_max_upload"))] = 200,
    forwarded_allow_ips: Annotated[str, typer.Option("--forwarded-allow-ips", show_default=False,
                                                     help=help_text("help_forwarded_allow_ips"))] = "",
    secure_cookies: Annotated[bool, typer.Option("--secure-cookies", help=help_text("help_secure_cookies"))] = False,
) -> None:
    """Serve the dashboard (teiki.web) until Ctrl+C."""
    from teiki.web.security import Access, is_loopback

    c = context(ctx)
    if not is_loopback(host) and not password:
        refuse(c, "serve_needs_password", host=host)
    access = Access(password=password or None, max_upload_bytes=max_upload_mb * 1024 * 1024,
                    allowed_hosts=LOOPBACK_HOSTS if is_loopback(host) else None,
                    forwarded_allow_ips=tuple(filter(None, (ip.strip() for ip in forwarded_allow_ips.split(",")))),
                    secure_cookies=secure_cookies)
    import uvicorn

    from teiki.web.app import create_app

    with reported(c):
        web = create_app(c.db, access=access, lang=c.lang, warm=True)
    shown = f"[{host}]" if ":" in host else host
    c.console.print(say("serve_address", c.lang, url=f"http://{shown}:{port}/"), highlight=False)
    # proxy headers are the app's to read, from --forwarded-allow-ips only (uvicorn would trust 127.0.0.1 and
    # $FORWARDED_ALLOW_IPS, letting any local process name its own client address to the login throttle)
    uvicorn.run(web, host=host, port=port, log_level="warning", proxy_headers=False)
