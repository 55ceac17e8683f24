# Pod Designer: gunicorn serving the Django app, graphviz inside, static files collected at build.
# Runs as a non-root user with a read-only root filesystem: the only writable place it needs is
# /tmp (mount a tmpfs or an emptyDir there). Configuration comes from the environment (README,
# "Run it for a team"); DJANGO_SECRET_KEY is required at run time.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    TMPDIR=/tmp \
    WEB_CONCURRENCY=2 \
    DJANGO_STATIC_MANIFEST=1 \
    POD_DESIGNER_GRAPHVIZ=dot

# graphviz for the diagrams; nothing else from apt.
RUN apt-get update \
    && apt-get install -y --no-install-recommends graphviz \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 pod-designer \
    && useradd --system --uid 10001 --gid 10001 --home-dir /nonexistent --no-create-home \
       --shell /usr/sbin/nologin pod-designer

WORKDIR /app

# The runtime lock alone (hash-checked): a code change does not reinstall the dependencies.
COPY requirements/runtime.txt requirements/runtime.txt
RUN pip install --require-hashes --no-deps -r requirements/runtime.txt

COPY manage.py pyproject.toml ./
COPY designer designer
COPY templates templates
COPY static static

# Static files hashed and compressed for whitenoise; bytecode compiled now, since the root
# filesystem is read-only at run time. The key only lets settings load during the build (without
# one, settings would write a local key file into the image).
RUN DJANGO_SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput \
    && python -m compileall -q designer \
    && test ! -e .secret_key

USER 10001:10001
EXPOSE 8000

HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]

# Workers: WEB_CONCURRENCY (gunicorn reads it), 2 by default. The worker heartbeat files go to
# /dev/shm, which stays writable with a read-only root filesystem.
CMD ["gunicorn", "designer.wsgi:application", \
     "--bind", "0.0.0.0:8000", \
     "--worker-tmp-dir", "/dev/shm", \
     "--timeout", "30", \
     "--graceful-timeout", "20", \
     "--forwarded-allow-ips", "*", \
     "--access-logfile", "-"]
