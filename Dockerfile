# One image for every process of a site: app nodes (gunicorn, the default command), workers
# (`nttlearn worker`) and one-off commands (`nttlearn init`, `nttlearn users create …`).
# docs/admin-guide.md, "Several app nodes", shows it running with compose.yaml.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    NTTLEARN_INSTANCE_PATH=/srv/nttlearn/instance

RUN useradd --system --uid 10001 --user-group --home-dir /srv/nttlearn --create-home nttlearn

WORKDIR /srv/nttlearn/app
COPY . .
# The core with the S3 client, and every plugin of the checkout, editable as in the admin guide
# (the core's migrations live beside the package); then the compiled translations.
RUN pip install -e '.[s3]' $(for p in plugins/*/setup.cfg; do printf -- '-e %s ' "$(dirname "$p")"; done) \
 && python -m nttlearn.i18n compile \
 && mkdir -p "$NTTLEARN_INSTANCE_PATH" && chown nttlearn:nttlearn "$NTTLEARN_INSTANCE_PATH"

# The code stays root's (read-only to the site); only the instance folder is written.
USER nttlearn
EXPOSE 8000
CMD ["gunicorn", "--workers", "4", "--worker-class", "gthread", "--threads", "4", \
     "--bind", "0.0.0.0:8000", "--access-logfile", "-", "wsgi:app"]
