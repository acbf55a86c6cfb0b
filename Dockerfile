# unifi-scanner as a service: `docker build -t unifi-scanner .`, then see docker-compose.yml.
#
# Two stages: the first builds a virtual environment from this repository (wheels only, no
# compiler needed), the second copies it into a clean slim image that runs as a non-root user.

FROM python:3.11-slim AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
# Only what the package build reads (.dockerignore keeps everything else out of the context).
COPY pyproject.toml README.md ./
COPY src ./src
RUN python -m venv /opt/unifi-scanner \
 && /opt/unifi-scanner/bin/pip install . \
 && /opt/unifi-scanner/bin/unifi-scanner --version


FROM python:3.11-slim

# A fixed uid/gid, so that files given to the container (secrets, a bind-mounted /data) can
# be made readable for it: `chown 10001 secret-file`.
RUN groupadd --system --gid 10001 unifi \
 && useradd --system --uid 10001 --gid unifi --home-dir /data --no-create-home \
        --shell /usr/sbin/nologin unifi \
 && mkdir -p /data/reports \
 && chown -R unifi:unifi /data

COPY --from=build /opt/unifi-scanner /opt/unifi-scanner

# The store (events, pinned certificates, report cursors) and the reports live in /data.
# The health endpoint stays on the container's loopback (the HEALTHCHECK runs inside the
# container); to scrape /metrics from outside, set UNIFI_HEALTH_HOST=0.0.0.0 and publish
# the port, e.g. `-p 127.0.0.1:9120:9120`.
ENV PATH=/opt/unifi-scanner/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    UNIFI_STORE=/data/unifi-scanner.db \
    UNIFI_REPORT_DIR=/data/reports \
    UNIFI_HEALTH_HOST=127.0.0.1 \
    UNIFI_HEALTH_PORT=9120

VOLUME ["/data"]
WORKDIR /data
USER unifi:unifi

# 200 from /healthz is healthy; 503 (degraded: a socket down too long, a failed delivery, a
# store error) or no answer makes urlopen raise, so the check fails. Plain Python: the slim
# image has no curl. With UNIFI_HEALTH_PORT=0 (no endpoint), run with --no-healthcheck.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as r; r.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('UNIFI_HEALTH_PORT', '9120'), timeout=8)"]

# SIGTERM (docker stop) finishes or abandons the current delivery, flushes the store and
# exits 0; SIGHUP (docker kill -s HUP) reloads the configuration.
STOPSIGNAL SIGTERM
ENTRYPOINT ["unifi-scanner"]
CMD ["serve"]
