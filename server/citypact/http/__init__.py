"""HTTP plumbing shared by every route: middleware and error answers.

Public entry points: :mod:`~citypact.http.request_ids` (an id per request, in headers and logs),
:mod:`~citypact.http.rate_limit` (a token bucket per client),
:mod:`~citypact.http.security_headers` (CSP and friends) and :mod:`~citypact.http.errors`
(the JSON error body and the app's exception handlers); :func:`citypact.http.wiring.
add_middleware` puts the middleware on an app in the right order.

Layer: may import the core modules and :mod:`citypact.store` (its errors carry HTTP statuses);
never validation, curation, publishing, web, extraction, routers or the app.
"""
