# PostgreSQL 15 from Debian's package, for machines that cannot pull docker.io/library/postgres: it reads the same
# POSTGRES_USER / POSTGRES_DB / POSTGRES_PASSWORD(_FILE) variables, so deploy/compose.yaml runs on either.
#     podman build -f deploy/local-images/postgres.Dockerfile --build-arg BASE_IMAGE=localhost/tushare-typed-base:bookworm \
#         -t localhost/postgres:15 deploy/local-images
ARG BASE_IMAGE=docker.io/library/debian:bookworm-slim
FROM ${BASE_IMAGE}
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-15=15.* \
    && rm -rf /var/lib/apt/lists/* /var/lib/postgresql/15 \
    && install -d -o postgres -g postgres -m 0700 /var/lib/postgresql/data
COPY --chmod=0755 postgres-start.sh /usr/local/bin/postgres-start
ENV PATH=/usr/lib/postgresql/15/bin:$PATH PGDATA=/var/lib/postgresql/data
# Debian gives the package's user no fixed id; the name is resolved inside the image.
# hadolint ignore=DL3066
USER postgres
EXPOSE 5432
STOPSIGNAL SIGINT
ENTRYPOINT ["/usr/local/bin/postgres-start"]
