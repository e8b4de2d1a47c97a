# Redis 7 from Debian's package, for machines that cannot pull docker.io/library/redis.
#     podman build -f deploy/local-images/redis.Dockerfile --build-arg BASE_IMAGE=localhost/tushare-typed-base:bookworm \
#         -t localhost/redis:7 deploy/local-images
ARG BASE_IMAGE=docker.io/library/debian:bookworm-slim
FROM ${BASE_IMAGE}
RUN apt-get update \
    && apt-get install -y --no-install-recommends redis-server=5:7.* \
    && rm -rf /var/lib/apt/lists/* \
    && install -d -o redis -g redis /data
# Debian gives the package's user no fixed id; the name is resolved inside the image.
# hadolint ignore=DL3066
USER redis
WORKDIR /data
EXPOSE 6379
ENTRYPOINT ["redis-server", "--protected-mode", "no", "--dir", "/data"]
