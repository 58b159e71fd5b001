"""In-browser replay of archived pages with ReplayWeb.page, served from an origin of its own.

An archived page is somebody else's HTML and scripts. Replayed on the desk's origin it could read the desk's
cookies, call its API with the signed-in editor's session, or take over the page. So replay happens on
FACTCHECK_REPLAY_ORIGIN, another host, served by a separate, tiny WSGI app (`app.py`) that has no session, no
sign-in and no API: it serves ReplayWeb.page's two files, one page that embeds it, and each capture's WACZ through
a short-lived signed link (`links.py`) that the claim page hands out to someone already signed in.

    links.py    the signed links (HMAC with the desk's secret, bound to the capture id, expiring in minutes)
    assets.py   where `make install` put ReplayWeb.page (npm `replaywebpage`), never a CDN
    package.py  the capture's WACZ for replay, packaged once and kept by content hash in the archive store
    app.py      the replay origin's WSGI app
    serve.py    `factcheck serve` also listening on a loopback replay origin; `factcheck serve-replay`
"""
